using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Tests.Grid;

[Collection(ClusterTests.Name)]
public class GridCellGrainTests(ClusterFixture fixture)
{
    private IGridCellGrain Cell(string code) => fixture.Grains.GetGrain<IGridCellGrain>(code);

    [Fact]
    public async Task A_cell_counts_the_latest_status_of_each_device()
    {
        var cell = Cell("9811010010010001");

        await cell.UpdateDevice(new DeviceCellStatus("wl-1", DeviceKind.WaterLevel, true, []));
        await cell.UpdateDevice(new DeviceCellStatus("wl-1", DeviceKind.WaterLevel, false, [AlarmSeverity.Major]));
        await cell.UpdateDevice(new DeviceCellStatus("cam-1", DeviceKind.Camera, true, []));

        var situation = await cell.GetSituation();
        situation.Code.Should().Be("9811010010010001");
        situation.Counts.Devices.Should().Be(2);
        situation.Counts.DevicesOnline.Should().Be(1);
        situation.Counts.Alarms.Should().Be(new AlarmCounts(0, 1, 0));
        situation.Health.Should().Be(HealthLevel.Warning);
        situation.UpdatedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task Registered_devices_count_as_offline_until_their_twins_report_and_keep_what_their_twins_reported()
    {
        var cell = Cell("9811010010010021");
        await cell.UpdateDevice(new DeviceCellStatus("wl-online", DeviceKind.WaterLevel, true, [AlarmSeverity.Major]));

        await cell.RegisterDevices([new("wl-online", DeviceKind.WaterLevel), new("wl-new", DeviceKind.WaterLevel), new("cam-new", DeviceKind.Camera)]);

        var situation = await cell.GetSituation();
        situation.Counts.Devices.Should().Be(3);
        situation.Counts.DevicesOnline.Should().Be(1);
        situation.Counts.Alarms.Should().Be(new AlarmCounts(0, 1, 0));
    }

    [Fact]
    public async Task A_device_removed_from_a_cell_no_longer_counts()
    {
        var cell = Cell("9811010010010002");
        await cell.UpdateDevice(new DeviceCellStatus("gas-1", DeviceKind.Gas, true, [AlarmSeverity.Critical]));

        await cell.RemoveDevice("gas-1");

        var situation = await cell.GetSituation();
        situation.Counts.Devices.Should().Be(0);
        situation.Health.Should().Be(HealthLevel.Normal);
    }

    [Fact]
    public async Task A_cell_counts_open_and_overdue_events_until_they_close()
    {
        var cell = Cell("9811010010010003");

        await cell.UpdateEvent(new EventCellStatus("E1", true, false, EventUrgency.Normal));
        await cell.UpdateEvent(new EventCellStatus("E2", true, false, EventUrgency.Urgent));
        (await cell.GetSituation()).Counts.Events.Should().Be(new EventCounts(2, 0, 0, 0));

        await cell.UpdateEvent(new EventCellStatus("E2", true, true, EventUrgency.Urgent));
        var overdue = await cell.GetSituation();
        overdue.Counts.Events.Should().Be(new EventCounts(2, 1, 0, 1));
        overdue.Health.Should().Be(HealthLevel.Critical);

        await cell.UpdateEvent(new EventCellStatus("E2", false, true, EventUrgency.Urgent));
        await cell.UpdateEvent(new EventCellStatus("E1", false, false, EventUrgency.Normal));
        var closed = await cell.GetSituation();
        closed.Counts.Events.Should().Be(EventCounts.None);
        closed.Health.Should().Be(HealthLevel.Normal);
    }

    [Fact]
    public async Task A_repeated_status_changes_nothing()
    {
        var cell = Cell("9811010010010004");
        await cell.UpdateDevice(new DeviceCellStatus("n-1", DeviceKind.Noise, true, [AlarmSeverity.Minor, AlarmSeverity.Major]));
        var first = await cell.GetSituation();

        await cell.UpdateDevice(new DeviceCellStatus("n-1", DeviceKind.Noise, true, [AlarmSeverity.Major, AlarmSeverity.Minor]));

        (await cell.GetSituation()).UpdatedAt.Should().Be(first.UpdatedAt);
    }

    [Fact]
    public async Task A_cell_reports_to_its_community_on_a_timer_not_per_call()
    {
        var community = fixture.Grains.GetGrain<IRegionGrain>("981101001002");

        await Cell("9811010010020001").UpdateDevice(new DeviceCellStatus("p-1", DeviceKind.SmartPole, true, []));

        (await community.GetSituation()).Counts.Devices.Should().Be(0);
        await Eventually.Async(async () => (await community.GetSituation()).Counts.Devices.Should().Be(1));
    }

    [Fact]
    public async Task A_key_that_is_not_a_cell_code_is_refused()
    {
        var act = async () => await Cell("990101").UpdateDevice(new DeviceCellStatus("x", DeviceKind.Gas, true, []));

        await act.Should().ThrowAsync<InvalidOperationException>();
    }
}
