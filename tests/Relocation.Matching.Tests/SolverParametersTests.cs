using Google.OrTools.Sat;
using Google.Protobuf;

namespace Relocation.Matching.Tests;

public sealed class SolverParametersTests
{
    [Fact]
    public void SolverParameters_ModelThatAbortedPresolve_Solves()
    {
        // A stage-two model (with its hint) from the simulation on which OR-Tools 9.15's presolve threw an uncaught
        // std::out_of_range and aborted the process (google/or-tools issues 5091, 5288). With the planner's parameters it
        // must solve; if the abort comes back, this test run dies with it, which is the point.
        var proto = JsonParser.Default.Parse<CpModelProto>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "cpsat-presolve-abort.json")));
        var model = new CpModel();
        model.Model.MergeFrom(proto);
        using var solver = new CpSolver { StringParameters = Planner.SolverParameters(new PlannerOptions { DeterministicSeconds = 1.0 }, 5.0) };

        var status = solver.Solve(model);

        Assert.Equal(CpSolverStatus.Optimal, status);
    }
}
