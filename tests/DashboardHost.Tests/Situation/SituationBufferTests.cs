using CityOps.DashboardHost.Events;
using CityOps.DashboardHost.Situation;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.DashboardHost.Tests.Situation;

public class SituationBufferTests
{
    private static readonly Func<EventSummary, bool> Everyone = _ => true;

    private static SituationBuffer Street(int maxAlarms = 10) => new("990101001", allDevices: true, maxAlarms, Everyone);

    private static SituationBuffer District(int maxAlarms = 10) => new(Changes.District, allDevices: false, maxAlarms, Everyone);

    [Fact]
    public void The_latest_state_of_a_device_wins_within_one_frame()
    {
        var buffer = Street();
        buffer.Offer(Changes.Of(devices: [Changes.Device("WL-1", 3)]));
        buffer.Offer(Changes.Of(devices: [Changes.Device("WL-1", 7)]));

        var frame = buffer.TakeDelta(1)!;

        frame.Devices.Should().ContainSingle().Which.Values["waterLevelCm"].Should().Be(7);
    }

    [Fact]
    public void A_taken_frame_empties_the_buffer()
    {
        var buffer = Street();
        buffer.Offer(Changes.Of(devices: [Changes.Device("WL-1")], cells: [Changes.CellSituation()], events: [Changes.Event("E1")]));
        buffer.TakeDelta(1);

        buffer.HasChanges.Should().BeFalse();
        buffer.TakeDelta(2).Should().BeNull();
    }

    [Fact]
    public void Changes_outside_the_region_are_not_taken()
    {
        var buffer = Street();

        var took = buffer.Offer(Changes.Of(
            devices: [Changes.Device("WL-9", cell: "9901010020010001")],
            cells: [Changes.CellSituation("9901010020010001")],
            events: [Changes.Event("E9", "9901010020010001")],
            raised: [Changes.Raised("WL-9", cell: "9901010020010001")]));

        took.Should().BeFalse();
        buffer.HasChanges.Should().BeFalse();
    }

    [Fact]
    public void Another_districts_batch_is_ignored_without_looking_inside()
    {
        var buffer = District();

        buffer.Offer(Changes.Of(devices: [Changes.Device("WL-9", cell: Changes.OtherDistrictCell, alarmed: true)], district: "990102")).Should().BeFalse();
    }

    [Fact]
    public void A_city_view_takes_the_changes_of_every_district()
    {
        var buffer = new SituationBuffer("9901", allDevices: false, maxAlarms: 10, Everyone);

        buffer.Offer(Changes.Of(cells: [Changes.CellSituation(Changes.OtherDistrictCell)], district: "990102")).Should().BeTrue();
    }

    [Fact]
    public void A_district_view_shows_only_devices_with_alarms_or_that_just_raised_or_cleared_one()
    {
        var buffer = District();
        buffer.Offer(Changes.Of(devices:
        [
            Changes.Device("plain"),
            Changes.Device("alarmed", alarmed: true),
            Changes.Device("cleared", alarmsChanged: true),
        ]));

        buffer.TakeDelta(1)!.Devices.Select(d => d.Id).Should().BeEquivalentTo("alarmed", "cleared");
    }

    [Fact]
    public void A_clear_merged_with_a_later_reading_still_reaches_a_district_view()
    {
        var buffer = District();
        buffer.Offer(Changes.Of(devices: [Changes.Device("WL-1", 5, alarmsChanged: true)]));
        buffer.Offer(Changes.Of(devices: [Changes.Device("WL-1", 4)]));
        buffer.Offer(Changes.Of(devices: [Changes.Device("WL-1", 3)]));

        buffer.TakeDelta(1)!.Devices.Should().ContainSingle().Which.Values["waterLevelCm"].Should().Be(3);
    }

    [Fact]
    public void Raised_alarms_beyond_the_bound_drop_the_oldest_and_count_them()
    {
        var buffer = Street(maxAlarms: 3);
        buffer.Offer(Changes.Of(raised: [.. Enumerable.Range(1, 5).Select(i => Changes.Raised("WL-" + i, i))]));

        var frame = buffer.TakeDelta(1)!;

        frame.Alarms.Select(a => a.DeviceId).Should().Equal("WL-3", "WL-4", "WL-5");
        frame.AlarmsDropped.Should().Be(2);
    }

    [Fact]
    public void Frames_carry_cells_compactly_and_events_and_alarms_with_locations()
    {
        var buffer = Street();
        buffer.Offer(Changes.Of(cells: [Changes.CellSituation(online: 4)], events: [Changes.Event("E1")], raised: [Changes.Raised("WL-1")]));

        var frame = buffer.TakeDelta(7)!;

        frame.Seq.Should().Be(7);
        frame.Region.Should().Be("990101001");
        frame.Cells.Should().ContainSingle().Which.Should().BeEquivalentTo(new CellEntry(Changes.Cell, HealthLevel.Normal, 4, 0, new AlarmCountEntry(0, 0, 0), 0, 0));
        frame.Events.Should().ContainSingle().Which.Location.Should().Equal(114.3, 27.6);
        frame.Alarms.Should().ContainSingle().Which.CellCode.Should().Be(Changes.Cell);
    }

    [Fact]
    public void KPIs_go_into_a_delta_only_when_they_changed_since_last_sent()
    {
        var buffer = Street();
        var day = DateOnly.FromDateTime(Changes.At.UtcDateTime);
        var none = KpiResponse.Of(KpiScopes.Region("990101001"), day, day, EventKpiCounters.None, day);
        buffer.KpisSent(none);

        buffer.OfferKpis(none);
        buffer.TakeDelta(2).Should().BeNull();

        var one = KpiResponse.Of(KpiScopes.Region("990101001"), day, day, EventKpiCounters.None with { Reported = 1 }, day);
        buffer.OfferKpis(one);
        buffer.TakeDelta(3)!.Kpis.Should().Be(one);
        buffer.OfferKpis(one);
        buffer.TakeDelta(4).Should().BeNull();
    }

    [Fact]
    public void A_case_change_in_the_region_marks_the_KPIs_worth_reading_again()
    {
        var buffer = Street();
        buffer.Offer(Changes.Of(events: [Changes.Event("E1")]));

        buffer.TakeEventsSeen().Should().BeTrue();
        buffer.TakeEventsSeen().Should().BeFalse();
    }

    [Theory]
    [InlineData(GridLevel.City, false)]
    [InlineData(GridLevel.District, false)]
    [InlineData(GridLevel.Street, true)]
    [InlineData(GridLevel.Community, true)]
    public void Streets_and_smaller_regions_show_all_their_devices(GridLevel level, bool all) =>
        SituationBuffer.ShowsAllDevices(level).Should().Be(all);

    [Fact]
    public void A_case_the_user_may_not_see_is_never_buffered_and_does_not_mark_the_KPIs()
    {
        var buffer = new SituationBuffer("990101001", allDevices: true, maxAlarms: 10, e => e.Department == "gas");
        buffer.Offer(Changes.Of(events: [Changes.Event("E-water") with { Department = "water" }]));

        buffer.HasChanges.Should().BeFalse();
        buffer.TakeEventsSeen().Should().BeFalse();

        buffer.Offer(Changes.Of(events: [Changes.Event("E-gas") with { Department = "gas" }, Changes.Event("E-water2") with { Department = "water" }]));

        buffer.TakeDelta(1)!.Events.Select(e => e.Id).Should().Equal("E-gas");
    }

    [Fact]
    public void A_case_reassigned_out_of_the_users_scope_is_withdrawn_by_id_alone()
    {
        var buffer = new SituationBuffer("990101001", allDevices: true, maxAlarms: 10, e => e.Department == "gas");
        buffer.Offer(Changes.Of(events: [Changes.Event("E-1") with { Department = "gas" }]));
        buffer.TakeDelta(1);

        buffer.Offer(Changes.Of(events: [Changes.Event("E-1") with { Department = "water", Version = 2 }]));

        var delta = buffer.TakeDelta(2)!;
        delta.Events.Should().BeEmpty();
        delta.Withdrawn.Should().Equal("E-1");
    }

    [Fact]
    public void A_case_the_snapshot_showed_is_withdrawn_when_it_leaves_the_users_scope()
    {
        var buffer = new SituationBuffer("990101001", allDevices: true, maxAlarms: 10, e => e.Department == "gas");
        buffer.EventsSent(["E-1"]);

        buffer.Offer(Changes.Of(events: [Changes.Event("E-1") with { Department = "water", Version = 2 }]));

        buffer.TakeDelta(1)!.Withdrawn.Should().Equal("E-1");
    }

    [Fact]
    public void A_case_the_user_was_never_shown_is_not_withdrawn_so_its_id_is_not_told()
    {
        var buffer = new SituationBuffer("990101001", allDevices: true, maxAlarms: 10, e => e.Department == "gas");
        buffer.Offer(Changes.Of(events: [Changes.Event("E-1") with { Department = "gas", State = EventState.Closed }]));
        buffer.TakeDelta(1);

        buffer.Offer(Changes.Of(events: [Changes.Event("E-1") with { Department = "water" }, Changes.Event("E-2") with { Department = "water" }]));

        buffer.HasChanges.Should().BeFalse();
    }

    [Fact]
    public void A_change_still_waiting_in_the_buffer_is_not_sent_once_the_case_leaves_the_users_scope()
    {
        var buffer = new SituationBuffer("990101001", allDevices: true, maxAlarms: 10, e => e.Department == "gas");
        buffer.Offer(Changes.Of(events: [Changes.Event("E-1") with { Department = "gas" }]));

        buffer.Offer(Changes.Of(events: [Changes.Event("E-1") with { Department = "water", Version = 2 }]));

        var delta = buffer.TakeDelta(1)!;
        delta.Events.Should().BeEmpty();
        delta.Withdrawn.Should().Equal("E-1");
    }
}
