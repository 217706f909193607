using CityOps.Grains.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Tests.Grid;

public class GridRollupTests
{
    [Fact]
    public void A_cell_counts_its_devices_by_kind_online_and_alarm_severity()
    {
        var counts = GridRollup.CountCell(
            [
                new DeviceCellStatus("a", DeviceKind.WaterLevel, true, [AlarmSeverity.Major]),
                new DeviceCellStatus("b", DeviceKind.WaterLevel, false, [AlarmSeverity.Minor, AlarmSeverity.Critical]),
                new DeviceCellStatus("c", DeviceKind.Camera, true, []),
            ],
            []);

        counts.DevicesByKind.Should().BeEquivalentTo(new Dictionary<DeviceKind, int> { [DeviceKind.WaterLevel] = 2, [DeviceKind.Camera] = 1 });
        counts.Devices.Should().Be(3);
        counts.DevicesOnline.Should().Be(2);
        counts.Alarms.Should().Be(new AlarmCounts(1, 1, 1));
        counts.Cells.Should().Be(new HealthCounts(0, 0, 0, 1));
    }

    [Fact]
    public void A_cell_counts_open_overdue_and_urgent_events_and_ignores_closed_ones()
    {
        var counts = GridRollup.CountCell(
            [],
            [
                new EventCellStatus("e1", true, false, EventUrgency.Normal),
                new EventCellStatus("e2", true, true, EventUrgency.Normal),
                new EventCellStatus("e3", true, false, EventUrgency.Emergency),
                new EventCellStatus("e4", true, true, EventUrgency.Urgent),
                new EventCellStatus("e5", false, true, EventUrgency.Emergency),
            ]);

        counts.Events.Should().Be(new EventCounts(Open: 4, Overdue: 2, OpenEmergency: 1, OverdueUrgent: 1));
    }

    [Fact]
    public void A_region_sums_its_childrens_counts()
    {
        var first = GridRollup.CountCell([new DeviceCellStatus("a", DeviceKind.Gas, true, [AlarmSeverity.Minor])], []);
        var second = GridRollup.CountCell(
            [new DeviceCellStatus("b", DeviceKind.Gas, false, []), new DeviceCellStatus("c", DeviceKind.Noise, true, [])],
            [new EventCellStatus("e", true, true, EventUrgency.Normal)]);

        var sum = GridRollup.Sum([first, second, GridCounts.Empty]);

        sum.DevicesByKind.Should().BeEquivalentTo(new Dictionary<DeviceKind, int> { [DeviceKind.Gas] = 2, [DeviceKind.Noise] = 1 });
        sum.DevicesOnline.Should().Be(2);
        sum.Alarms.Should().Be(new AlarmCounts(1, 0, 0));
        sum.Events.Should().Be(new EventCounts(1, 1, 0, 0));
        sum.Cells.Should().Be(new HealthCounts(0, 1, 1, 0));
    }

    [Fact]
    public void Counts_are_equal_by_value_whatever_the_dictionary_instance()
    {
        var a = GridRollup.CountCell([new DeviceCellStatus("a", DeviceKind.Gas, true, [])], []);
        var b = GridRollup.Sum([a]);

        GridRollup.AreEqual(a, b).Should().BeTrue();
        GridRollup.AreEqual(a, b with { DevicesOnline = 0 }).Should().BeFalse();
    }
}
