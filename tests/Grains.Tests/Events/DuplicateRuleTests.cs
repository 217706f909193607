using CityOps.Grains.Departments;
using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

public class DuplicateRuleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(30);
    private const double Radius = 100;

    /// <summary>About 111 m per 0.001° of latitude.</summary>
    private static EventFootprint At(string id, double latitudeOffset = 0, double minutes = 0, string category = "waterlogging", EventState state = EventState.Registered) =>
        new(id, category, 115.89, 28.68 + latitudeOffset, T0.AddMinutes(minutes), state);

    private static readonly EventFootprint Candidate = At("E-new", minutes: 10, state: EventState.Reported);

    [Fact]
    public void A_report_of_the_same_category_nearby_and_soon_after_is_a_duplicate() =>
        DuplicateRule.IsDuplicate(Candidate, At("E1", 0.0005), Radius, Window).Should().BeTrue();

    [Fact]
    public void Another_category_at_the_same_place_is_not_a_duplicate() =>
        DuplicateRule.IsDuplicate(Candidate, At("E1", category: "gas_leak"), Radius, Window).Should().BeFalse();

    [Fact]
    public void A_report_beyond_the_radius_is_not_a_duplicate() =>
        DuplicateRule.IsDuplicate(Candidate, At("E1", 0.001), Radius, Window).Should().BeFalse();

    [Fact]
    public void A_report_outside_the_window_is_not_a_duplicate() =>
        DuplicateRule.IsDuplicate(Candidate, At("E1", minutes: -21), Radius, Window).Should().BeFalse();

    [Fact]
    public void The_window_reaches_both_ways_for_a_report_that_arrives_late() =>
        DuplicateRule.IsDuplicate(Candidate, At("E1", minutes: 40), Radius, Window).Should().BeTrue();

    [Fact]
    public void The_radius_and_window_edges_are_included()
    {
        var place = At("E1", 0.0009, minutes: -20);
        var metres = GeoDistance.HaversineMetres(Candidate.Longitude, Candidate.Latitude, place.Longitude, place.Latitude);

        DuplicateRule.IsDuplicate(Candidate, place, metres, TimeSpan.FromMinutes(30)).Should().BeTrue();
    }

    [Theory]
    [InlineData(EventState.Closed)]
    [InlineData(EventState.Rejected)]
    [InlineData(EventState.Merged)]
    public void A_case_that_is_over_is_not_merged_into(EventState state) =>
        DuplicateRule.IsDuplicate(Candidate, At("E1", state: state), Radius, Window).Should().BeFalse();

    [Fact]
    public void A_suspended_case_is_still_open_to_duplicates() =>
        DuplicateRule.IsDuplicate(Candidate, At("E1", state: EventState.Suspended), Radius, Window).Should().BeTrue();

    [Fact]
    public void A_case_does_not_duplicate_itself() =>
        DuplicateRule.IsDuplicate(Candidate, Candidate, Radius, Window).Should().BeFalse();

    [Fact]
    public void The_primary_is_the_earliest_open_duplicate()
    {
        EventFootprint[] existing =
        [
            At("E3", minutes: 5),
            At("E1", minutes: -15, state: EventState.Closed),
            At("E2", 0.0002, minutes: -5),
            At("E4", 0.01, minutes: -10),
        ];

        DuplicateRule.FindPrimary(Candidate, existing, Radius, Window)!.EventId.Should().Be("E2");
    }

    [Fact]
    public void Duplicates_reported_at_the_same_instant_go_to_the_lowest_id() =>
        DuplicateRule.FindPrimary(Candidate, [At("E9"), At("E10"), At("E2")], Radius, Window)!.EventId.Should().Be("E10");

    [Fact]
    public void Without_a_duplicate_there_is_no_primary() =>
        DuplicateRule.FindPrimary(Candidate, [At("E1", category: "sos")], Radius, Window).Should().BeNull();

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_radius_must_be_a_distance(double radius)
    {
        var judge = () => DuplicateRule.IsDuplicate(Candidate, At("E1"), radius, Window);

        judge.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void A_window_must_not_be_negative()
    {
        var judge = () => DuplicateRule.IsDuplicate(Candidate, At("E1"), Radius, TimeSpan.FromMinutes(-1));

        judge.Should().Throw<ArgumentOutOfRangeException>();
    }
}
