using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace CityOps.Silo.Tests.Reliability;

/// <summary>A device that was online when the engine stopped and never comes back is found silent after the start.</summary>
[Collection(ReliabilityTests.Name)]
[Trait("Category", "Reliability")]
public class SilenceRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_device_online_at_a_stop_that_never_reports_again_goes_offline_with_an_alarm_after_the_start()
    {
        // Silence after 0.05 intervals: 45 s for a manhole cover reporting every 15 minutes.
        await using var engine = new EngineProcess("silence-restart", new Dictionary<string, string?> { ["Devices__SilenceIntervals"] = "0.05" });
        await engine.StartAsync();
        var manhole = Engine.Devices.First(d => d.Kind == DeviceKind.Manhole);
        using (var client = await engine.ConnectDeviceAsync(manhole))
        {
            var reading = await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic($"city/{manhole.Id}/telemetry")
                .WithPayload(Encoding.UTF8.GetBytes("""{"values":{"tiltDeg":0.4}}"""))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
            reading.IsSuccess.Should().BeTrue();
        }

        var lastHeard = DateTimeOffset.UtcNow;
        var token = await engine.TokenAsync("operator");
        await CaseClient.EventuallyAsync(async () => await OnlineInCellAsync(engine, token, manhole) == 1);
        (await engine.StopAsync(TimeSpan.FromSeconds(60))).ExitCode.Should().Be(0);

        // Nothing asks for the device after the start: only the engine's own watch can find it silent.
        await engine.StartAsync();
        token = await engine.TokenAsync("operator");
        await CaseClient.EventuallyAsync(async () => await OnlineInCellAsync(engine, token, manhole) == 0, TimeSpan.FromSeconds(90));
        output.WriteLine($"offline in its cell {(DateTimeOffset.UtcNow - lastHeard).TotalSeconds:0} s after it was last heard from");

        using var http = engine.Http(token);
        var twin = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/devices/{manhole.Id}", UriKind.Relative));
        twin.GetProperty("online").GetBoolean().Should().BeFalse();
        twin.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("kind").GetString()).Should().Contain("device_offline");
    }

    /// <summary>
    /// The devices online in the device's cell (no other device connects in this test). Only the twin
    /// changes that count, and reading it wakes no twin.
    /// </summary>
    private static async Task<int> OnlineInCellAsync(EngineProcess engine, string token, DeviceRecord device)
    {
        using var http = engine.Http(token);
        var cell = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/grid/cells/{device.CellCode}", UriKind.Relative));
        return cell.GetProperty("situation").GetProperty("devicesOnline").GetInt32();
    }
}
