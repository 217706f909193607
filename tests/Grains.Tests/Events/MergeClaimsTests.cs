using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

/// <summary>A case's merges in flight, decided from its state alone, without a cluster.</summary>
public class MergeClaimsTests
{
    private static UrbanEventState Open() => new()
    {
        Report = Cases.Report("street_light_damaged", Cases.NewPlace()),
        Status = new LifecycleStatus(EventState.Registered),
    };

    [Fact]
    public void An_open_case_takes_a_duplicate_and_remembers_it_until_released()
    {
        var claims = new MergeClaims();

        claims.Claim(Open(), "E20261122-000002", "E20261122-000001").Should().BeNull();

        claims.IsClaimedBy("E20261122-000001").Should().BeTrue();
        claims.Release("E20261122-000001");
        claims.IsClaimedBy("E20261122-000001").Should().BeFalse();
    }

    [Fact]
    public void Of_two_cases_being_merged_into_each_other_only_the_smaller_id_goes_in()
    {
        var smaller = new MergeClaims { MergingInto = "E20261122-000002" };
        var larger = new MergeClaims { MergingInto = "E20261122-000001" };

        var intoSmaller = smaller.Claim(Open(), "E20261122-000001", "E20261122-000002");
        var intoLarger = larger.Claim(Open(), "E20261122-000002", "E20261122-000001");

        intoSmaller.Should().BeEquivalentTo(new { Kind = RefusalKind.PrimaryUnavailable });
        intoLarger.Should().BeNull();
    }

    [Fact]
    public void A_merged_or_ended_case_takes_no_duplicate()
    {
        var merged = Open();
        merged.MergedInto = "E20261122-000009";
        var closed = Open();
        closed.Status = new LifecycleStatus(EventState.Closed);

        new MergeClaims().Claim(merged, "E20261122-000002", "E20261122-000001")!.Message.Should().Contain("merge into 'E20261122-000009' instead");
        new MergeClaims().Claim(closed, "E20261122-000002", "E20261122-000001")!.Kind.Should().Be(RefusalKind.PrimaryUnavailable);
    }
}
