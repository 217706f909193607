using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

public class EventTimeLimitsTests
{
    private static readonly StageLimits Normal = new(60, 120, 2880, 1440);

    private static CatalogueCategory Category(string urgency, StageLimits limits) =>
        new("road_damaged", "道路破损", "Damaged road", "component", "道路交通", urgency, limits, false, false, []);

    [Theory]
    [InlineData(EventStage.Register, 60)]
    [InlineData(EventStage.Dispatch, 120)]
    [InlineData(EventStage.Handle, 2880)]
    [InlineData(EventStage.Verify, 1440)]
    public void A_case_of_its_category_s_urgency_has_the_catalogue_s_limits(EventStage stage, int minutes) =>
        EventTimeLimits.FromCategory(Category("normal", Normal)).LimitOf(stage).Should().Be(TimeSpan.FromMinutes(minutes));

    [Theory]
    [InlineData(EventUrgency.Urgent, 60)]
    [InlineData(EventUrgency.Emergency, 30)]
    public void A_case_more_urgent_than_its_category_has_its_limits_halved_per_level(EventUrgency urgency, int dispatchMinutes) =>
        EventTimeLimits.FromCategory(Category("normal", Normal), urgency).LimitOf(EventStage.Dispatch)
            .Should().Be(TimeSpan.FromMinutes(dispatchMinutes));

    [Fact]
    public void A_case_is_never_given_longer_than_its_category_allows() =>
        EventTimeLimits.FromCategory(Category("emergency", new StageLimits(5, 10, 120, 60)), EventUrgency.Normal)
            .LimitOf(EventStage.Handle).Should().Be(TimeSpan.FromMinutes(120));

    [Fact]
    public void Halved_limits_stay_exact_to_the_tick() =>
        new EventTimeLimits(new StageLimits(1, 1, 1, 1), EventUrgency.Normal, EventUrgency.Emergency)
            .LimitOf(EventStage.Register).Should().Be(TimeSpan.FromSeconds(15));

    [Fact]
    public void The_catalogue_urgency_is_read_whatever_its_case()
    {
        EventTimeLimits.ParseUrgency("Emergency").Should().Be(EventUrgency.Emergency);
        EventTimeLimits.FromCategory(Category("urgent", Normal)).CaseUrgency.Should().Be(EventUrgency.Urgent);
    }

    [Theory]
    [InlineData("critical")]
    [InlineData("1")]
    [InlineData("")]
    public void An_unknown_catalogue_urgency_is_refused(string urgency)
    {
        var parse = () => EventTimeLimits.ParseUrgency(urgency);

        parse.Should().Throw<ArgumentException>().WithMessage($"Unknown urgency '{urgency}'.*");
    }

    [Fact]
    public void An_end_state_has_no_limit() =>
        EventTimeLimits.FromCategory(Category("normal", Normal)).LimitOf(EventStage.None).Should().Be(TimeSpan.Zero);

    [Fact]
    public void A_stage_without_a_positive_limit_is_a_catalogue_error()
    {
        var limits = EventTimeLimits.FromCategory(Category("normal", Normal with { HandleMinutes = 0 }));

        limits.Invoking(l => l.LimitOf(EventStage.Handle)).Should().Throw<InvalidOperationException>().WithMessage("*handle*");
    }
}
