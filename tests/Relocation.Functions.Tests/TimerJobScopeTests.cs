using System.Collections.Immutable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Relocation.Functions.Http;
using Relocation.Storage.Tables;

namespace Relocation.Functions.Tests;

/// <summary>
/// The middleware that marks timer invocations as background jobs in the table query log, called as the worker's pipeline
/// calls it, and its place in the app's pipeline.
/// </summary>
public sealed class TimerJobScopeTests
{
    [Fact]
    public async Task Invoke_TimerFunction_RunsAsABackgroundJobNamedAfterTheFunction()
    {
        string? scope = null;

        await new TimerJobScope().Invoke(Context(YearSealFunction.Name, "timerTrigger"), _ =>
        {
            scope = TableQueryLog.Scope;
            return Task.CompletedTask;
        });

        Assert.Equal("background:" + YearSealFunction.Name, scope);
        Assert.Equal("request", TableQueryLog.Scope);
    }

    [Fact]
    public async Task Invoke_TimerFunctionAcrossAnAwait_StaysABackgroundJob()
    {
        string? scope = null;

        await new TimerJobScope().Invoke(Context("SealFund", "timerTrigger"), async _ =>
        {
            await Task.Yield();
            scope = TableQueryLog.Scope;
        });

        Assert.Equal("background:SealFund", scope);
    }

    [Theory]
    [InlineData("httpTrigger")]
    [InlineData("activityTrigger")]
    [InlineData("orchestrationTrigger")]
    public async Task Invoke_OtherTrigger_StaysARequest(string trigger)
    {
        string? scope = null;

        await new TimerJobScope().Invoke(Context("Other", trigger), _ =>
        {
            scope = TableQueryLog.Scope;
            return Task.CompletedTask;
        });

        Assert.Equal("request", scope);
    }

    [Fact]
    public async Task Invoke_TimerFunctionThrows_ScopeUndone()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => new TimerJobScope().Invoke(Context("SealFund", "timerTrigger"), _ => throw new InvalidOperationException()));

        Assert.Equal("request", TableQueryLog.Scope);
    }

    [Fact]
    public void Configure_FunctionsApp_RegistersTheMiddleware()
    {
        // UseMiddleware<T> registers T for the pipeline to resolve per invocation: absent, the timers run unmarked.
        using var host = FunctionsApp.BuildHost();

        Assert.NotNull(host.Services.GetService<TimerJobScope>());
    }

    /// <summary>A function's context as the worker gives it to a middleware: its name and one input binding of <paramref name="trigger"/>'s type.</summary>
    internal static FunctionContext Context(string name, string trigger)
    {
        var binding = new Mock<BindingMetadata>();
        binding.SetupGet(b => b.Type).Returns(trigger);
        binding.SetupGet(b => b.Direction).Returns(BindingDirection.In);
        var definition = new Mock<FunctionDefinition>();
        definition.SetupGet(d => d.Name).Returns(name);
        definition.SetupGet(d => d.InputBindings).Returns(ImmutableDictionary<string, BindingMetadata>.Empty.Add("trigger", binding.Object));
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);
        return context.Object;
    }
}
