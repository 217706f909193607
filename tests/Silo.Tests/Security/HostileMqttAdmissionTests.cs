using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.City;
using CityOps.Silo.Tests.Hosting;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Security;

/// <summary>What every device message must pass on the embedded broker and through aggregators: revocation, one flood budget per device, allowed alarm kinds.</summary>
public partial class HostileMqttTests
{
    private static readonly AggregatorRecord Aggregator = JsonSerializer.Deserialize<AggregatorRecord[]>(
        File.ReadAllBytes(Path.Combine(Engine.CityPath, "gateways.json")), CityJson.Options)!.Single(a => a.Id == "GW-NBIOT-01");

    private static List<DeviceRecord> AggregatorDevices(DeviceKind kind) =>
        [.. Engine.Devices.Where(d => d.Kind == kind && Aggregator.Regions.Any(r => d.CellCode.StartsWith(r, StringComparison.Ordinal)))];

    private async Task<JsonElement> StatsAsync()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        return await http.GetFromJsonAsync<JsonElement>("/api/gateway/stats");
    }

    private async Task RevokeAsync(string deviceId)
    {
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));
        (await admin.PostAsync(new Uri($"/api/devices/{deviceId}/revoke", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    private async Task<double?> ValueAsync(string deviceId, string metric)
    {
        var twin = await Engine.GetDeviceAsync(deviceId, await Engine.TokenAsync("operator"));
        return twin.GetProperty("values").TryGetProperty(metric, out var reading) ? reading.GetDouble() : null;
    }

    private static string Batch(IEnumerable<(string DeviceId, double Value)> entries, string metric) =>
        JsonSerializer.Serialize(entries.Select(e => new { deviceId = e.DeviceId, values = new Dictionary<string, double> { [metric] = e.Value } }));

    [Fact]
    public async Task Two_connections_of_one_device_with_different_client_ids_share_one_flood_budget()
    {
        var device = Engine.Device(DeviceKind.Manhole, 30);
        using var first = new MqttClientFactory().CreateMqttClient();
        using var second = new MqttClientFactory().CreateMqttClient();
        await first.ConnectAsync(Options(device).WithClientId($"{device.Id}-1").Build());
        await second.ConnectAsync(Options(device).WithClientId($"{device.Id}-2").Build());
        var codes = new ConcurrentBag<MqttClientPublishReasonCode>();

        // 15 each: either alone stays within the burst of 20, together they do not.
        await Task.WhenAll(new[] { first, second }.Select(async client =>
        {
            for (var i = 0; i < 15; i++)
            {
                codes.Add((await client.PublishAsync(Message($"city/{device.Id}/telemetry", "{\"values\":{\"tiltDeg\":" + (i % 3) + "}}"))).ReasonCode);
            }
        }));

        codes.Should().Contain(MqttClientPublishReasonCode.QuotaExceeded);
        codes.Count(c => c == MqttClientPublishReasonCode.Success).Should().BeLessThan(30);
    }

    [Fact]
    public async Task An_aggregator_forwarding_a_flood_for_one_device_is_throttled_for_that_device_only()
    {
        var devices = AggregatorDevices(DeviceKind.RainGauge);
        var (flooded, neighbour) = (devices[10], devices[11]);
        using var client = await Engine.ConnectAsync(Aggregator.Id, Aggregator.Secret);
        var entries = Enumerable.Range(0, 40).Select(i => (flooded.Id, (double)i)).Append((neighbour.Id, 7.5));

        var result = await client.PublishAsync(Message($"city/gw/{Aggregator.Id}/telemetry", Batch(entries, "rainMm")));

        result.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        var stats = await StatsAsync();
        stats.GetProperty("throttled").GetProperty(flooded.Id).GetInt64().Should().BeGreaterThanOrEqualTo(10);
        stats.GetProperty("throttled").TryGetProperty(neighbour.Id, out _).Should().BeFalse();
        (await ValueAsync(neighbour.Id, "rainMm")).Should().Be(7.5);
    }

    [Fact]
    public async Task A_revoked_devices_readings_forwarded_by_an_aggregator_are_refused_while_the_rest_of_the_batch_applies()
    {
        var devices = AggregatorDevices(DeviceKind.RainGauge);
        var (revoked, other) = (devices[12], devices[13]);
        using var client = await Engine.ConnectAsync(Aggregator.Id, Aggregator.Secret);
        await client.PublishAsync(Message($"city/gw/{Aggregator.Id}/telemetry", Batch([(revoked.Id, 1.25)], "rainMm")));
        await RevokeAsync(revoked.Id);
        var before = await RejectedAsync("revoked");

        var result = await client.PublishAsync(Message($"city/gw/{Aggregator.Id}/telemetry", Batch([(revoked.Id, 9.5), (other.Id, 2.5)], "rainMm")));

        result.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        (await ValueAsync(revoked.Id, "rainMm")).Should().Be(1.25);
        (await ValueAsync(other.Id, "rainMm")).Should().Be(2.5);
        (await RejectedAsync("revoked")).Should().Be(before + 1);
    }

    [Fact]
    public async Task Revoking_a_device_disconnects_every_one_of_its_sessions()
    {
        var device = Engine.Device(DeviceKind.AirQuality, 30);
        var clients = new List<IMqttClient>();
        var dropped = 0;
        for (var i = 0; i < 2; i++)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            client.DisconnectedAsync += _ =>
            {
                Interlocked.Increment(ref dropped);
                return Task.CompletedTask;
            };
            await client.ConnectAsync(Options(device).WithClientId($"{device.Id}-s{i}").Build());
            clients.Add(client);
        }

        await RevokeAsync(device.Id);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref dropped) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        clients.Should().OnlyContain(c => !c.IsConnected);
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task A_sensor_raising_an_alarm_its_kind_may_not_raise_is_refused_and_counted()
    {
        var gas = Engine.Device(DeviceKind.Gas, 30);
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(gas).Build());
        var before = await RejectedAsync("kindNotAllowed");

        var result = await client.PublishAsync(Message($"city/{gas.Id}/alarm", """{"kind":"sos"}"""));

        result.ReasonCode.Should().Be(MqttClientPublishReasonCode.NotAuthorized);
        (await RejectedAsync("kindNotAllowed")).Should().Be(before + 1);
        (await Engine.GetDeviceAsync(gas.Id, await Engine.TokenAsync("operator"))).GetProperty("alarms").EnumerateArray()
            .Should().NotContain(a => a.GetProperty("kind").GetString() == "sos");
    }

    [Fact]
    public async Task A_sensor_raising_its_own_hazard_alarm_is_accepted()
    {
        var gas = Engine.Device(DeviceKind.Gas, 31);
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(gas).Build());

        var result = await client.PublishAsync(Message($"city/{gas.Id}/alarm", """{"kind":"gas_leak"}"""));

        result.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
    }

    [Fact]
    public async Task A_pole_reporting_a_video_detection_is_refused()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 30);
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(pole).Build());

        var result = await client.PublishAsync(Message($"city/{pole.Id}/detections", """{"kind":"illegal_parking","confidence":0.9}"""));

        result.ReasonCode.Should().Be(MqttClientPublishReasonCode.NotAuthorized);
    }
}
