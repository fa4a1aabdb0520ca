using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Tests.Relocations;

public sealed class CaseDecisionSignalTests
{
    [Fact]
    public async Task Raise_AfterNext_CompletesTheWaiter()
    {
        var signal = new CaseDecisionSignal();
        var next = signal.Next("case-1");

        signal.Raise("case-1");

        await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public void Raise_OtherCase_LeavesTheWaiterWaiting()
    {
        var signal = new CaseDecisionSignal();
        var next = signal.Next("case-1");

        signal.Raise("case-2");

        Assert.False(next.IsCompleted);
    }

    [Fact]
    public void Next_AfterRaise_IsANewWait()
    {
        var signal = new CaseDecisionSignal();
        signal.Raise("case-1");

        var next = signal.Next("case-1");

        Assert.False(next.IsCompleted);
    }

    [Fact]
    public void Forget_TheOnlyWaiter_DropsTheEntrySoALaterNextIsNew()
    {
        var signal = new CaseDecisionSignal();
        var first = signal.Next("case-1");

        signal.Forget("case-1", first);
        var second = signal.Next("case-1");

        Assert.NotSame(first, second);
    }
}
