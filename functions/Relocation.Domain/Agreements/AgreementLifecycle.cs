using Relocation.Domain.Common;
using System.Collections.Frozen;

namespace Relocation.Domain.Agreements;

/// <summary>
/// The lifecycle as a transition table: Negotiating → Signed → InForce ⇄ Suspended → Terminated, InForce → Expired at
/// the expiry date, Signed → Terminated when it never enters into force. Anything not listed is refused.
/// </summary>
public static class AgreementLifecycle
{
    private static readonly FrozenDictionary<(AgreementStatus, AgreementEvent), AgreementStatus> Transitions =
        new Dictionary<(AgreementStatus, AgreementEvent), AgreementStatus>
        {
            [(AgreementStatus.Negotiating, AgreementEvent.Signed)] = AgreementStatus.Signed,
            [(AgreementStatus.Signed, AgreementEvent.EnteredIntoForce)] = AgreementStatus.InForce,
            [(AgreementStatus.Signed, AgreementEvent.Terminated)] = AgreementStatus.Terminated,
            [(AgreementStatus.InForce, AgreementEvent.Suspended)] = AgreementStatus.Suspended,
            [(AgreementStatus.InForce, AgreementEvent.Terminated)] = AgreementStatus.Terminated,
            [(AgreementStatus.InForce, AgreementEvent.Expired)] = AgreementStatus.Expired,
            [(AgreementStatus.Suspended, AgreementEvent.Resumed)] = AgreementStatus.InForce,
            [(AgreementStatus.Suspended, AgreementEvent.Terminated)] = AgreementStatus.Terminated,
        }.ToFrozenDictionary();

    /// <summary>The status after <paramref name="lifecycleEvent"/>, or null when the event is not allowed in <paramref name="status"/>.</summary>
    public static AgreementStatus? Next(AgreementStatus status, AgreementEvent lifecycleEvent) =>
        Transitions.TryGetValue((status, lifecycleEvent), out var next) ? next : null;

    public static bool IsFinal(AgreementStatus status) => status is AgreementStatus.Terminated or AgreementStatus.Expired;

    public static string Explain(AgreementStatus status, AgreementEvent lifecycleEvent) => Refusal(status, lifecycleEvent).Message;

    /// <summary>The refusal of an event the status does not allow: its English message and its code with arguments.</summary>
    public static ConflictException Refusal(AgreementStatus status, AgreementEvent lifecycleEvent)
    {
        var allowed = Transitions.Keys.Where(k => k.Item1 == status && k.Item2 != AgreementEvent.Expired).Select(k => k.Item2.ToString()).ToArray();
        return allowed.Length == 0
            ? new ConflictException($"An agreement that is {status} accepts no further events.").WithCode<ConflictException>(ProblemCode.AgreementFinal, ("agreementStatus", status))
            : new ConflictException($"{lifecycleEvent} is not possible while the agreement is {status}; possible: {string.Join(", ", allowed)}.")
                .WithCode<ConflictException>(ProblemCode.AgreementEventNotPossible, ("agreementEvent", lifecycleEvent), ("agreementStatus", status), ("possibleEvents", string.Join(", ", allowed)));
    }
}
