using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

[Collection(ClusterTests.Name)]
public class DeviceTwinGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private async Task<IDeviceTwinGrain> ProvisionedAsync(string id, DeviceKind kind = DeviceKind.WaterLevel)
    {
        var twin = DeviceTwins.Get(fixture.Grains, kind, id);
        await twin.Provision(new DeviceProfile(id, kind, "测试点 " + id, 114.3, 27.6, "9901010010010001", 600));
        return twin;
    }

    [Fact]
    public async Task Telemetry_becomes_the_twins_latest_values()
    {
        var twin = await ProvisionedAsync("twin-1");

        await twin.ReportTelemetry(new TelemetryReport(T0, 1, new Dictionary<string, double> { ["waterLevelCm"] = 3.5, ["battery"] = 90 }));

        var snapshot = await twin.GetSnapshot();
        snapshot!.Values["waterLevelCm"].Should().Be(new MetricReading(3.5, T0));
        snapshot.Values["battery"].Value.Should().Be(90);
        snapshot.Online.Should().BeTrue();
        snapshot.LastSeen.Should().NotBeNull();
    }

    [Fact]
    public async Task Plain_readings_are_written_once_the_flush_delay_has_passed_while_the_twin_stays_active()
    {
        var twin = await ProvisionedAsync("twin-flush");

        await twin.ReportTelemetry(new TelemetryReport(T0, 1, new Dictionary<string, double> { ["waterLevelCm"] = 4.5 }));

        (await fixture.StoredTwinAsync(twin)).Values.Should().NotContainKey("waterLevelCm", "a plain reading waits in memory for the flush delay (3 s here)");
        await Eventually.Async(
            async () => (await fixture.StoredTwinAsync(twin)).Values["waterLevelCm"].Value.Should().Be(4.5),
            TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_case_alarms_outbox_mark_is_written_with_it_and_removed_once_intake_has_the_report()
    {
        var twin = await ProvisionedAsync("twin-mark");

        await twin.ReportTelemetry(new TelemetryReport(DateTimeOffset.UtcNow, 1, new Dictionary<string, double> { ["waterLevelCm"] = 20 }));

        (await fixture.StoredTwinAsync(twin)).OutboxMarked.Should().BeTrue("the twin's row says a mark was written");
        await Eventually.Async(async () =>
        {
            (await fixture.StoredAsync<AlarmOutboxState>(twin, DeviceTwinGrain.OutboxStateName)).RecordExists.Should().BeFalse();
            (await fixture.StoredTwinAsync(twin)).OutboxMarked.Should().BeFalse("a twin activated later need not read a mark");
        });
    }

    [Fact]
    public async Task A_mark_left_without_its_twins_row_is_removed_when_the_recovery_wakes_the_twin()
    {
        var twin = DeviceTwins.Get(fixture.Grains, DeviceKind.WaterLevel, "twin-orphan-mark");
        await fixture.StoreAsync(twin, DeviceTwinGrain.OutboxStateName, new AlarmOutboxState { DeviceId = "twin-orphan-mark", Kind = DeviceKind.WaterLevel });

        await twin.DeliverPendingAlarms();

        (await fixture.StoredAsync<AlarmOutboxState>(twin, DeviceTwinGrain.OutboxStateName)).RecordExists.Should().BeFalse();
    }

    [Fact]
    public async Task A_case_alarm_is_accepted_and_reported_even_over_a_mark_its_twin_did_not_know_of()
    {
        var twin = DeviceTwins.Get(fixture.Grains, DeviceKind.WaterLevel, "twin-unknown-mark");
        await fixture.StoreAsync(twin, DeviceTwinGrain.OutboxStateName, new AlarmOutboxState { DeviceId = "twin-unknown-mark", Kind = DeviceKind.WaterLevel });
        await twin.Provision(new DeviceProfile("twin-unknown-mark", DeviceKind.WaterLevel, "测试点", 114.3, 27.6, "9901010010010001", 600));

        await twin.ReportTelemetry(new TelemetryReport(DateTimeOffset.UtcNow, 1, new Dictionary<string, double> { ["waterLevelCm"] = 20 }));

        (await twin.GetSnapshot())!.Alarms.Should().ContainSingle(a => a.Kind == "waterlogging");
        await Eventually.Async(async () =>
            (await fixture.StoredAsync<AlarmOutboxState>(twin, DeviceTwinGrain.OutboxStateName)).RecordExists.Should().BeFalse("intake took the report and the mark went"));
    }

    [Fact]
    public async Task An_older_reading_arriving_late_does_not_replace_a_newer_one()
    {
        var twin = await ProvisionedAsync("twin-2");

        await twin.ReportTelemetry(new TelemetryReport(T0.AddMinutes(5), null, new Dictionary<string, double> { ["waterLevelCm"] = 8 }));
        await twin.ReportTelemetry(new TelemetryReport(T0, null, new Dictionary<string, double> { ["waterLevelCm"] = 2 }));

        (await twin.GetSnapshot())!.Values["waterLevelCm"].Value.Should().Be(8);
    }

    [Fact]
    public async Task A_status_statement_sets_the_online_state()
    {
        var twin = await ProvisionedAsync("twin-3", DeviceKind.SmartPole);

        await twin.ReportStatus(true, T0);
        (await twin.GetSnapshot())!.Online.Should().BeTrue();

        await twin.ReportStatus(false, T0.AddMinutes(1));
        (await twin.GetSnapshot())!.Online.Should().BeFalse();
    }

    [Fact]
    public async Task The_snapshot_carries_the_profile()
    {
        var twin = await ProvisionedAsync("cam-1", DeviceKind.Camera);

        var snapshot = await twin.GetSnapshot();

        snapshot!.Kind.Should().Be(DeviceKind.Camera);
        snapshot.CellCode.Should().Be("9901010010010001");
        snapshot.Longitude.Should().Be(114.3);
    }

    [Fact]
    public async Task A_device_never_provisioned_has_no_snapshot_and_refuses_telemetry()
    {
        var twin = DeviceTwins.Get(fixture.Grains, DeviceKind.Noise, "twin-unknown");

        (await twin.GetSnapshot()).Should().BeNull();
        var act = async () => await twin.ReportTelemetry(new TelemetryReport(T0, null, new Dictionary<string, double> { ["noiseDb"] = 50 }));
        await act.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task A_profile_for_another_device_is_refused()
    {
        var twin = DeviceTwins.Get(fixture.Grains, DeviceKind.Gas, "twin-4");

        var act = () => twin.Provision(new DeviceProfile("someone-else", DeviceKind.Gas, "x", 0, 0, "9901", 60));

        await act.Should().ThrowAsync<ArgumentException>();
    }
}
