using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Testing.Builders;

namespace Relocation.Domain.Tests.Capacities;

public sealed class CapacityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static Capacity NewCapacity(int places = 4) =>
        Capacity.Register("c1", "NOR", new CapacityInputBuilder().WithPlaces(places).BuildTerms(), Now);

    [Fact]
    public void Hold_WithinFree_ReducesFree()
    {
        var capacity = NewCapacity(4);

        capacity.Hold("r1", 3);

        Assert.Equal((4, 3, 0, 1), (capacity.Places, capacity.Held, capacity.Used, capacity.Free));
    }

    [Fact]
    public void Hold_SameRelocationTwice_HoldsOnce()
    {
        var capacity = NewCapacity(4);

        capacity.Hold("r1", 3);
        capacity.Hold("r1", 3);

        Assert.Equal(3, capacity.Held);
    }

    [Fact]
    public void Hold_BeyondFree_IsConflict()
    {
        var capacity = NewCapacity(4);
        capacity.Hold("r1", 3);

        Assert.Throws<ConflictException>(() => capacity.Hold("r2", 2));
        Assert.Equal(3, capacity.Held);
    }

    [Fact]
    public void Hold_SameRelocationOtherCount_IsConflict()
    {
        var capacity = NewCapacity(4);
        capacity.Hold("r1", 1);

        Assert.Throws<ConflictException>(() => capacity.Hold("r1", 2));
    }

    [Fact]
    public void Use_AfterHold_MovesHeldToUsed()
    {
        var capacity = NewCapacity(4);
        capacity.Hold("r1", 2);

        capacity.Use("r1");
        capacity.Use("r1");

        Assert.Equal((0, 2, 2), (capacity.Held, capacity.Used, capacity.Free));
    }

    [Fact]
    public void Use_WithoutHold_IsConflict()
    {
        var capacity = NewCapacity(4);

        Assert.Throws<ConflictException>(() => capacity.Use("r1"));
    }

    [Fact]
    public void Release_Held_FreesPlaces_AndTwiceIsNoOp()
    {
        var capacity = NewCapacity(4);
        capacity.Hold("r1", 2);

        Assert.True(capacity.Release("r1"));
        Assert.False(capacity.Release("r1"));
        Assert.Equal(4, capacity.Free);
    }

    [Fact]
    public void Revise_BelowHeldAndUsed_IsRejected()
    {
        var capacity = NewCapacity(4);
        capacity.Hold("r1", 3);

        var ex = Assert.Throws<DomainValidationException>(() => capacity.Revise(new CapacityInputBuilder().WithPlaces(2).BuildTerms(), Now));

        Assert.Contains("places", ex.Errors.Keys);
        Assert.Equal(4, capacity.Places);
    }

    [Fact]
    public void IsStale_After90DaysWithoutReconfirmation_IsTrue_AndReviseRefreshes()
    {
        var capacity = NewCapacity();
        var later = Now.AddDays(91);

        Assert.False(capacity.IsStale(Now.AddDays(90)));
        Assert.True(capacity.IsStale(later));

        capacity.Revise(new CapacityInputBuilder().BuildTerms(), later);

        Assert.False(capacity.IsStale(later));
    }
}
