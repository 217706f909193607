using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Tests.Devices;

/// <summary>Thresholds, redeliveries, silence, SOS and commands on a live twin.</summary>
[Collection(ClusterTests.Name)]
public class DeviceTwinBehaviourTests(ClusterFixture fixture)
{
    private async Task<IDeviceTwinGrain> ProvisionedAsync(DeviceKind kind = DeviceKind.WaterLevel, int intervalSeconds = 600, string cell = "9901010010010001", string[]? modules = null)
    {
        var id = $"{kind}-{Guid.NewGuid():N}";
        var twin = DeviceTwins.Get(fixture.Grains, kind, id);
        await twin.Provision(new DeviceProfile(id, kind, "测试 " + id, 114.3, 27.6, cell, intervalSeconds, Modules: modules));
        return twin;
    }

    private Task<IDeviceTwinGrain> PoleAsync(params string[] modules) => ProvisionedAsync(DeviceKind.SmartPole, 60, modules: modules);

    private static TelemetryReport Reading(string metric, double value, long? seq = null) =>
        new(DateTimeOffset.UtcNow, seq, new Dictionary<string, double> { [metric] = value });

    [Fact]
    public async Task A_water_level_flapping_around_the_threshold_raises_one_alarm_and_recovery_clears_it()
    {
        var twin = await ProvisionedAsync();

        foreach (var level in new[] { 16.0, 14.0, 15.5, 13.0, 16.2 })
        {
            await twin.ReportTelemetry(Reading("waterLevelCm", level));
        }

        var alarms = (await twin.GetSnapshot())!.Alarms;
        alarms.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Kind = "waterlogging", Severity = AlarmSeverity.Major, Value = 16.0 });

        await twin.ReportTelemetry(Reading("waterLevelCm", 11));
        (await twin.GetSnapshot())!.Alarms.Should().BeEmpty();
    }

    [Fact]
    public async Task A_redelivered_sequence_number_is_applied_once()
    {
        var twin = await ProvisionedAsync();

        (await twin.ReportTelemetry(Reading("waterLevelCm", 3, seq: 42))).Should().BeTrue();
        (await twin.ReportTelemetry(Reading("waterLevelCm", 9, seq: 42))).Should().BeFalse();

        (await twin.GetSnapshot())!.Values["waterLevelCm"].Value.Should().Be(3);
    }

    [Fact]
    public async Task A_device_reconnecting_with_a_clean_session_may_count_from_one_again()
    {
        var twin = await ProvisionedAsync();
        await twin.ReportTelemetry(Reading("waterLevelCm", 3, seq: 1));

        await twin.ReportConnected(cleanSession: true);

        (await twin.ReportTelemetry(Reading("waterLevelCm", 4, seq: 1))).Should().BeTrue();
    }

    [Fact]
    public async Task A_device_silent_for_several_intervals_goes_offline_with_an_alarm()
    {
        var twin = await ProvisionedAsync(DeviceKind.Noise, intervalSeconds: 1);
        await twin.ReportTelemetry(Reading("noiseDb", 55));

        await Eventually.Async(async () =>
        {
            var snapshot = (await twin.GetSnapshot())!;
            snapshot.Online.Should().BeFalse();
            snapshot.Alarms.Should().ContainSingle(a => a.Kind == DeviceTwinGrain.OfflineAlarm);
        }, TimeSpan.FromSeconds(15));

        await twin.ReportTelemetry(Reading("noiseDb", 56));
        (await twin.GetSnapshot())!.Alarms.Should().BeEmpty();
    }

    [Fact]
    public async Task A_device_that_says_it_goes_offline_raises_no_alarm()
    {
        var twin = await ProvisionedAsync(DeviceKind.Gas);
        await twin.ReportStatus(true, DateTimeOffset.UtcNow);

        await twin.ReportStatus(false, DateTimeOffset.UtcNow);

        var snapshot = (await twin.GetSnapshot())!;
        snapshot.Online.Should().BeFalse();
        snapshot.Alarms.Should().BeEmpty();
    }

    [Fact]
    public async Task An_sos_press_raises_a_critical_alarm_at_once_until_someone_clears_it()
    {
        var twin = await ProvisionedAsync(DeviceKind.SmartPole, 60);

        await twin.ReportDeviceEvent(new DeviceEventReport("sos", DateTimeOffset.UtcNow, null, null));

        (await twin.GetSnapshot())!.Alarms.Should().ContainSingle(a => a.Kind == "sos" && a.Severity == AlarmSeverity.Critical);
        (await twin.ClearAlarm("sos")).Should().BeTrue();
        (await twin.GetSnapshot())!.Alarms.Should().BeEmpty();
    }

    [Fact]
    public async Task A_command_is_delivered_and_its_acknowledgement_recorded()
    {
        var twin = await PoleAsync(PoleModules.Lighting);
        var deviceId = (await twin.GetSnapshot())!.Id;

        var command = await twin.SendCommand("setLight", """{"level":40}""", "operator");
        await twin.AcknowledgeCommand(command.Id, true, null);

        fixture.Commands.SentTo(deviceId).Should().ContainSingle().Which.Name.Should().Be("setLight");
        (await twin.GetCommands()).Single().State.Should().Be(CommandState.Acknowledged);
    }

    [Fact]
    public async Task A_device_reporting_failure_marks_the_command_failed_with_its_error()
    {
        var twin = await PoleAsync(PoleModules.Lighting);

        var command = await twin.SendCommand("setLight", """{"level":40}""", "operator");
        await twin.AcknowledgeCommand(command.Id, false, "lamp driver fault");

        (await twin.GetCommands()).Single().Should().BeEquivalentTo(new { State = CommandState.Failed, Error = "lamp driver fault" });
    }

    [Fact]
    public async Task An_unanswered_command_is_retried_then_times_out()
    {
        var twin = await PoleAsync(PoleModules.Broadcast);
        var deviceId = (await twin.GetSnapshot())!.Id;

        await twin.SendCommand("broadcast", """{"text":"注意积水"}""", "operator");

        await Eventually.Async(async () =>
            (await twin.GetCommands()).Single().Should().BeEquivalentTo(new { State = CommandState.TimedOut, Attempts = 2 }),
            TimeSpan.FromSeconds(15));
        fixture.Commands.SentTo(deviceId).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_twin_refuses_a_command_its_device_lacks_the_equipment_for_and_sends_nothing()
    {
        var twin = await PoleAsync(PoleModules.Lighting);
        var deviceId = (await twin.GetSnapshot())!.Id;

        var broadcast = async () => await twin.SendCommand("broadcast", """{"text":"注意积水"}""", "operator");

        (await broadcast.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("this pole has no broadcast module");
        fixture.Commands.SentTo(deviceId).Should().BeEmpty();
        (await twin.GetCommands()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_camera_twin_refuses_a_preset_its_record_does_not_list()
    {
        var id = $"cam-{Guid.NewGuid():N}";
        var twin = DeviceTwins.Get(fixture.Grains, DeviceKind.Camera, id);
        await twin.Provision(new DeviceProfile(id, DeviceKind.Camera, "路口", 114.3, 27.6, "9901010010010001", 60, new VideoRecord("路口", "交通", "全市共享", "rtsp://127.0.0.1/1", [1, 2])));

        var turn = async () => await twin.SendCommand("cameraPreset", """{"preset":7}""", "operator");

        (await turn.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("this camera has no preset 7");
    }

    [Fact]
    public async Task History_returns_the_readings_of_one_metric()
    {
        var twin = await ProvisionedAsync(DeviceKind.AirQuality, 60);
        await twin.ReportTelemetry(new TelemetryReport(DateTimeOffset.UtcNow, null, new Dictionary<string, double> { ["pm25"] = 30, ["pm10"] = 50 }));
        await twin.ReportTelemetry(Reading("pm25", 50));

        var points = await twin.GetHistory("pm25", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        points.Sum(p => p.Count).Should().Be(2);
        points.Max(p => p.Max).Should().Be(50);
    }

    [Fact]
    public async Task A_devices_alarm_and_online_state_show_in_its_grid_cell()
    {
        const string cell = "9901040010010042";
        var twin = await ProvisionedAsync(DeviceKind.WaterLevel, cell: cell);

        await twin.ReportTelemetry(Reading("waterLevelCm", 20));

        var situation = await fixture.Grains.GetGrain<IGridCellGrain>(cell).GetSituation();
        situation.Counts.DevicesByKind[DeviceKind.WaterLevel].Should().Be(1);
        situation.Counts.DevicesOnline.Should().Be(1);
        situation.Counts.Alarms.Major.Should().Be(1);

        await twin.ReportTelemetry(Reading("waterLevelCm", 5));
        (await fixture.Grains.GetGrain<IGridCellGrain>(cell).GetSituation()).Counts.Alarms.Major.Should().Be(0);
    }

    [Fact]
    public async Task A_device_moved_to_another_cell_leaves_the_old_one()
    {
        const string from = "9901040010010043";
        const string to = "9901040010010044";
        var twin = await ProvisionedAsync(DeviceKind.Gas, cell: from);
        var profile = (await twin.GetSnapshot())!;

        await twin.Provision(new DeviceProfile(profile.Id, profile.Kind, profile.Name, 114.3, 27.6, to, 600));

        (await fixture.Grains.GetGrain<IGridCellGrain>(from).GetSituation()).Counts.DevicesByKind.Should().NotContainKey(DeviceKind.Gas);
        (await fixture.Grains.GetGrain<IGridCellGrain>(to).GetSituation()).Counts.DevicesByKind[DeviceKind.Gas].Should().Be(1);
    }
}
