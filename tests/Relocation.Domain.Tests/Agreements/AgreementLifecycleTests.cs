using Relocation.Domain.Agreements;

namespace Relocation.Domain.Tests.Agreements;

public sealed class AgreementLifecycleTests
{
    private static readonly Dictionary<(AgreementStatus, AgreementEvent), AgreementStatus> Allowed = new()
    {
        [(AgreementStatus.Negotiating, AgreementEvent.Signed)] = AgreementStatus.Signed,
        [(AgreementStatus.Signed, AgreementEvent.EnteredIntoForce)] = AgreementStatus.InForce,
        [(AgreementStatus.Signed, AgreementEvent.Terminated)] = AgreementStatus.Terminated,
        [(AgreementStatus.InForce, AgreementEvent.Suspended)] = AgreementStatus.Suspended,
        [(AgreementStatus.InForce, AgreementEvent.Terminated)] = AgreementStatus.Terminated,
        [(AgreementStatus.InForce, AgreementEvent.Expired)] = AgreementStatus.Expired,
        [(AgreementStatus.Suspended, AgreementEvent.Resumed)] = AgreementStatus.InForce,
        [(AgreementStatus.Suspended, AgreementEvent.Terminated)] = AgreementStatus.Terminated,
    };

    public static TheoryData<AgreementStatus, AgreementEvent> EveryPair()
    {
        var data = new TheoryData<AgreementStatus, AgreementEvent>();
        foreach (var status in Enum.GetValues<AgreementStatus>())
        {
            foreach (var e in Enum.GetValues<AgreementEvent>())
            {
                data.Add(status, e);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Next_EveryStatusAndEvent_MatchesTheProductLifecycle(AgreementStatus status, AgreementEvent lifecycleEvent)
    {
        var next = AgreementLifecycle.Next(status, lifecycleEvent);

        Assert.Equal(Allowed.TryGetValue((status, lifecycleEvent), out var expected) ? expected : null, next);
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Explain_RefusedPair_NamesStatusAndEvent(AgreementStatus status, AgreementEvent lifecycleEvent)
    {
        var text = AgreementLifecycle.Explain(status, lifecycleEvent);

        Assert.Contains(status.ToString(), text, StringComparison.Ordinal);
    }
}
