using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

[Collection(EventClusterTests.Name)]
public class IntakeTests(EventClusterFixture fixture)
{
    private readonly Cases _cases = new(fixture.Grains);

    [Fact]
    public async Task A_report_of_the_same_category_within_the_radius_and_window_is_counted_on_the_open_case()
    {
        var place = Cases.NewPlace();
        var first = await _cases.IntakeAsync(Cases.Report("waterlogging", place, EventChannel.Sensor, "WL-1"));

        var second = await _cases.IntakeAsync(Cases.Report("waterlogging", place with { Longitude = place.Longitude + 0.001 }, EventChannel.Sensor, "WL-2"));

        second.Merged.Should().BeTrue();
        second.EventId.Should().Be(first.EventId);
        var view = await _cases.ViewAsync(first.EventId);
        view.Summary.Reports.Should().Be(2);
        view.Timeline[^1].Actor.Should().Be("WL-2");
        (await _cases.Case(first.EventId).VerifyAudit()).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task A_report_beyond_the_radius_opens_its_own_case()
    {
        var place = Cases.NewPlace();
        var first = await _cases.IntakeAsync(Cases.Report("waterlogging", place));

        var far = await _cases.IntakeAsync(Cases.Report("waterlogging", place with { Latitude = place.Latitude + 0.003 }));

        far.Merged.Should().BeFalse();
        far.EventId.Should().NotBe(first.EventId);
    }

    [Fact]
    public async Task A_report_of_another_category_at_the_same_place_opens_its_own_case()
    {
        var place = Cases.NewPlace();
        var first = await _cases.IntakeAsync(Cases.Report("waterlogging", place));

        var other = await _cases.IntakeAsync(Cases.Report("gas_leak", place));

        other.EventId.Should().NotBe(first.EventId);
    }

    [Fact]
    public async Task A_report_after_the_window_opens_a_new_case()
    {
        var place = Cases.NewPlace();
        var first = await _cases.IntakeAsync(Cases.Report("illegal_parking", place));

        EventClusterFixture.Clock.Advance(TimeSpan.FromHours(3));
        var later = await _cases.IntakeAsync(Cases.Report("illegal_parking", place));

        later.EventId.Should().NotBe(first.EventId);
    }

    [Fact]
    public async Task A_report_at_a_closed_cases_place_is_a_new_occurrence()
    {
        var place = Cases.NewPlace();
        var closed = await _cases.CaseInAsync(EventState.Closed);
        var closedPlace = (await _cases.ViewAsync(closed)).Summary.Location;

        var again = await _cases.IntakeAsync(Cases.Report("street_light_damaged", closedPlace));

        again.EventId.Should().NotBe(closed);
        place.Should().NotBe(closedPlace);
    }

    [Fact]
    public async Task Reports_arriving_together_open_exactly_one_case()
    {
        var place = Cases.NewPlace();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            _cases.IntakeAsync(Cases.Report("manhole_displaced", place with { Longitude = place.Longitude + (i * 0.0001) }, EventChannel.Sensor, $"MH-{i}"))));

        results.Select(r => r.EventId).Distinct().Should().ContainSingle();
        results.Count(r => !r.Merged).Should().Be(1);
        (await _cases.ViewAsync(results[0].EventId)).Summary.Reports.Should().Be(8);
    }

    [Fact]
    public async Task The_index_lists_a_districts_open_cases_by_department()
    {
        var opened = await _cases.IntakeAsync(Cases.Report("waterlogging", Cases.NewPlace(), EventChannel.Sensor, "WL-9"));

        var listed = await fixture.Grains.GetGrain<IEventIndexGrain>(Cases.Jiangbei[..6]).Query(
            new EventQuery(Cases.Jiangbei[..9], [EventState.Dispatched], "water", null, null, EventClusterFixture.Clock.GetUtcNow(), 1000));

        listed.Select(s => s.Id).Should().Contain(opened.EventId);
    }

    [Fact]
    public async Task The_index_filters_by_channel_before_it_applies_the_limit()
    {
        const string cell = "9901010010010099";
        var hotline = await _cases.IntakeAsync(Cases.Report("street_light_damaged", Cases.NewPlace(cell), EventChannel.Hotline, "12345"));
        for (var i = 0; i < 3; i++)
        {
            await _cases.IntakeAsync(Cases.Report("street_light_damaged", Cases.NewPlace(cell), EventChannel.Operator));
        }

        var listed = await fixture.Grains.GetGrain<IEventIndexGrain>(cell[..6]).Query(
            new EventQuery(cell, null, null, null, null, EventClusterFixture.Clock.GetUtcNow(), 1, Channel: EventChannel.Hotline, Order: EventOrder.LatestReportFirst));

        listed.Select(s => s.Id).Should().Equal(hotline.EventId);
    }
}
