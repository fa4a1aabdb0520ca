using Relocation.Domain.Agreements;
using Relocation.Domain.Common;
using Relocation.Testing.Builders;

namespace Relocation.Domain.Tests.Agreements;

public sealed class AgreementTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 11, 28);

    private static Agreement New() => Agreement.Create("a1", new AgreementInputBuilder().Build(), Today, Now);

    private static PendingAgreementEvent Accept(Agreement a, AgreementEvent e, DateOnly date) =>
        a.Accept(new AgreementEventCommand(e, date, null), Today, "admin", "Registry.Admin", Now);

    [Fact]
    public void Create_Valid_IsNegotiating()
    {
        var agreement = New();

        Assert.Equal((AgreementStatus.Negotiating, AgreementStatus.Negotiating), (agreement.Status, agreement.ProjectedStatus));
    }

    [Fact]
    public void Create_BadFields_NamesEach()
    {
        var input = new AgreementInputBuilder().With(i => i with { StateCode = "XX", Type = null, Title = "", ReviewOn = new DateOnly(2030, 1, 1), ExpiresOn = new DateOnly(2029, 1, 1) }).Build();

        var ex = Assert.Throws<DomainValidationException>(() => Agreement.Create("a1", input, Today, Now));

        Assert.Equal(["reviewOn", "stateCode", "title", "type"], ex.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Accept_TwoEventsBeforeApplying_JudgesTheSecondAgainstTheFirst()
    {
        var agreement = New();

        Accept(agreement, AgreementEvent.Signed, Today.AddDays(-2));
        Accept(agreement, AgreementEvent.EnteredIntoForce, Today.AddDays(-1));

        Assert.Equal(AgreementStatus.Negotiating, agreement.Status);
        Assert.Equal(AgreementStatus.InForce, agreement.ProjectedStatus);
        Assert.Equal(2, agreement.Pending.Count);
    }

    [Fact]
    public void Accept_NotAllowed_IsConflictAndChangesNothing()
    {
        var agreement = New();

        Assert.Throws<ConflictException>(() => Accept(agreement, AgreementEvent.Suspended, Today));
        Assert.Empty(agreement.Pending);
        Assert.Equal(1, agreement.NextSequence);
    }

    [Fact]
    public void Accept_DateInFuture_Is400()
    {
        var ex = Assert.Throws<DomainValidationException>(() => Accept(New(), AgreementEvent.Signed, Today.AddDays(1)));

        Assert.Contains("date", ex.Errors.Keys);
    }

    [Fact]
    public void ApplyPending_Twice_AppliesOnce()
    {
        var agreement = New();
        Accept(agreement, AgreementEvent.Signed, Today);

        Assert.Equal(1, agreement.ApplyPending());
        Assert.Equal(0, agreement.ApplyPending());
        Assert.Single(agreement.History);
        Assert.Equal(AgreementStatus.Signed, agreement.Status);
    }

    [Fact]
    public void Accept_DateBeforePreviousStep_IsConflict()
    {
        var agreement = New();
        Accept(agreement, AgreementEvent.Signed, Today);
        agreement.ApplyPending();

        Assert.Throws<ConflictException>(() => Accept(agreement, AgreementEvent.EnteredIntoForce, Today.AddDays(-1)));
    }

    [Fact]
    public void Expire_InForceWithExpiry_MovesToExpired_OtherwiseNot()
    {
        var agreement = Agreement.Create("a1", new AgreementInputBuilder().With(i => i with { ExpiresOn = Today }).Build(), Today.AddDays(-10), Now.AddDays(-10));
        Assert.False(agreement.Expire(Now));
        Accept(agreement, AgreementEvent.Signed, Today.AddDays(-5));
        Accept(agreement, AgreementEvent.EnteredIntoForce, Today.AddDays(-4));
        agreement.ApplyPending();

        Assert.True(agreement.Expire(Now));
        Assert.Equal(AgreementStatus.Expired, agreement.Status);
        Assert.False(agreement.Expire(Now));
    }

    [Fact]
    public void Expire_ResumedAfterExpiryDate_ExpiresOnTheResumptionSoStatusOnStaysExpired()
    {
        var expires = Today.AddDays(-20);
        var agreement = Agreement.Create("a1", new AgreementInputBuilder().With(i => i with { ExpiresOn = expires }).Build(), Today.AddDays(-60), Now.AddDays(-60));
        Accept(agreement, AgreementEvent.Signed, Today.AddDays(-50));
        Accept(agreement, AgreementEvent.EnteredIntoForce, Today.AddDays(-40));
        Accept(agreement, AgreementEvent.Suspended, Today.AddDays(-30));
        Accept(agreement, AgreementEvent.Resumed, Today.AddDays(-10));
        agreement.ApplyPending();

        Assert.True(agreement.Expire(Now));
        Assert.Equal(Today.AddDays(-10), agreement.History[^1].Date);
        Assert.Equal(AgreementStatus.Expired, agreement.StatusOn(Today));
    }

    [Fact]
    public void RecordRefusal_BeyondTheCap_IsNotKept()
    {
        var agreement = New();
        for (var i = 0; i < Agreement.MaxRecordedRefusals; i++)
        {
            Assert.True(agreement.RecordRefusal(AgreementEvent.Resumed, Today, "admin", "Registry.Admin", Now, "not possible"));
        }

        Assert.False(agreement.RecordRefusal(AgreementEvent.Resumed, Today, "admin", "Registry.Admin", Now, "not possible"));
        Assert.Equal(Agreement.MaxRecordedRefusals, agreement.History.Count);
        Assert.Equal(AgreementStatus.Negotiating, agreement.Status);
    }

    [Fact]
    public void StatusOn_ReplaysHistoryUpToTheDay()
    {
        var agreement = New();
        Accept(agreement, AgreementEvent.Signed, new DateOnly(2024, 3, 1));
        Accept(agreement, AgreementEvent.EnteredIntoForce, new DateOnly(2025, 6, 1));
        Accept(agreement, AgreementEvent.Terminated, new DateOnly(2026, 2, 1));
        agreement.ApplyPending();

        Assert.Equal(AgreementStatus.Signed, agreement.StatusOn(new DateOnly(2024, 12, 31)));
        Assert.Equal(AgreementStatus.InForce, agreement.StatusOn(new DateOnly(2025, 12, 31)));
        Assert.Equal(AgreementStatus.Terminated, agreement.StatusOn(new DateOnly(2026, 12, 31)));
    }
}
