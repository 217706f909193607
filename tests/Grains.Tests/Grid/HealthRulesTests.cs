using CityOps.Grains.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Tests.Grid;

public class HealthRulesTests
{
    private static GridCounts Counts(int devices = 10, int online = 10, AlarmCounts? alarms = null, EventCounts? events = null) =>
        new(new Dictionary<DeviceKind, int> { [DeviceKind.WaterLevel] = devices }, online, alarms ?? AlarmCounts.None, events ?? EventCounts.None, HealthCounts.None);

    [Fact]
    public void A_cell_with_everything_online_and_nothing_open_is_normal() =>
        HealthRules.ForCell(Counts()).Should().Be(HealthLevel.Normal);

    [Fact]
    public void A_cell_without_devices_alarms_or_events_is_normal() =>
        HealthRules.ForCell(GridCounts.Empty).Should().Be(HealthLevel.Normal);

    [Fact]
    public void A_minor_alarm_needs_attention() =>
        HealthRules.ForCell(Counts(alarms: new AlarmCounts(1, 0, 0))).Should().Be(HealthLevel.Attention);

    [Fact]
    public void An_open_event_needs_attention() =>
        HealthRules.ForCell(Counts(events: new EventCounts(1, 0, 0, 0))).Should().Be(HealthLevel.Attention);

    [Fact]
    public void Fewer_than_nine_in_ten_devices_online_needs_attention() =>
        HealthRules.ForCell(Counts(devices: 10, online: 8)).Should().Be(HealthLevel.Attention);

    [Fact]
    public void A_major_alarm_is_a_warning() =>
        HealthRules.ForCell(Counts(alarms: new AlarmCounts(3, 1, 0))).Should().Be(HealthLevel.Warning);

    [Fact]
    public void An_overdue_normal_event_is_a_warning() =>
        HealthRules.ForCell(Counts(events: new EventCounts(1, 1, 0, 0))).Should().Be(HealthLevel.Warning);

    [Fact]
    public void An_open_emergency_is_a_warning_before_it_is_overdue() =>
        HealthRules.ForCell(Counts(events: new EventCounts(1, 0, 1, 0))).Should().Be(HealthLevel.Warning);

    [Fact]
    public void Fewer_than_half_the_devices_online_is_a_warning() =>
        HealthRules.ForCell(Counts(devices: 4, online: 1)).Should().Be(HealthLevel.Warning);

    [Fact]
    public void A_critical_alarm_is_critical() =>
        HealthRules.ForCell(Counts(alarms: new AlarmCounts(0, 0, 1))).Should().Be(HealthLevel.Critical);

    [Fact]
    public void An_overdue_urgent_event_is_critical() =>
        HealthRules.ForCell(Counts(events: new EventCounts(1, 1, 0, 1))).Should().Be(HealthLevel.Critical);

    [Fact]
    public void Devices_going_offline_alone_never_make_a_cell_critical() =>
        HealthRules.ForCell(Counts(devices: 3, online: 0)).Should().Be(HealthLevel.Warning);

    [Fact]
    public void A_region_is_as_healthy_as_its_worst_cell()
    {
        HealthRules.ForRegion(new HealthCounts(120, 3, 0, 1)).Should().Be(HealthLevel.Critical);
        HealthRules.ForRegion(new HealthCounts(120, 3, 2, 0)).Should().Be(HealthLevel.Warning);
        HealthRules.ForRegion(new HealthCounts(120, 3, 0, 0)).Should().Be(HealthLevel.Attention);
        HealthRules.ForRegion(new HealthCounts(120, 0, 0, 0)).Should().Be(HealthLevel.Normal);
        HealthRules.ForRegion(HealthCounts.None).Should().Be(HealthLevel.Normal);
    }
}
