using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.DeviceGateway;
using CityOps.DeviceGateway.Mqtt;
using CityOps.Grains.Interfaces.City;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>
/// The mosquitto that ./scripts/test.sh starts: a listener with a password file (the engine's login,
/// <c>gateway</c>) and an anonymous one for the devices, which authenticate to mosquitto, not to the engine.
/// Without it these tests fail on purpose.
/// </summary>
public static class TestMosquitto
{
    public static string Host => Required("CITYOPS_TEST_MQTT_HOST");

    public static string Port => Required("CITYOPS_TEST_MQTT_PORT");

    public static string User => Required("CITYOPS_TEST_MQTT_USER");

    public static string Password => Required("CITYOPS_TEST_MQTT_PASSWORD");

    public static int AnonymousPort => int.Parse(Required("CITYOPS_TEST_MQTT_ANON_PORT"), CultureInfo.InvariantCulture);

    /// <summary>A device's own connection to mosquitto.</summary>
    public static async Task<IMqttClient> ConnectDeviceAsync(string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(Host, AnonymousPort)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .Build());
        return client;
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set, so there is no mosquitto to test the external-broker bridge against. Run the tests with " +
                "./scripts/test.sh (or one command with scripts/services.sh, e.g. scripts/services.sh dotnet test tests/Silo.Tests), " +
                "which starts mosquitto on loopback and sets the CITYOPS_TEST_MQTT_* variables.");
}

/// <summary>
/// An engine whose gateway consumes device traffic from mosquitto. The topic root and the shared group are
/// this run's own, so that nothing another test left at the broker reaches it.
/// </summary>
public sealed class ExternalBrokerFixture : IAsyncLifetime
{
    public string TopicRoot { get; } = "city-" + Guid.NewGuid().ToString("N")[..8];

    public Engine Engine { get; private set; } = null!;

    public ExternalBrokerBridge Bridge => Engine.Services.GetRequiredService<ExternalBrokerBridge>();

    public async Task InitializeAsync() => Engine = await Engine.StartAsync(new Dictionary<string, string?>
    {
        ["Mqtt:TopicRoot"] = TopicRoot,
        ["Mqtt:External:Enabled"] = "true",
        ["Mqtt:External:Host"] = TestMosquitto.Host,
        ["Mqtt:External:Port"] = TestMosquitto.Port,
        ["Mqtt:External:Username"] = TestMosquitto.User,
        ["Mqtt:External:Password"] = TestMosquitto.Password,
        ["Mqtt:External:SharedGroup"] = "cityops-test-" + Guid.NewGuid().ToString("N")[..8],
    });

    public async Task DisposeAsync()
    {
        if (Engine is not null)
        {
            await Engine.DisposeAsync();
        }
    }
}

/// <summary>Devices behind an external broker (mosquitto): their messages reach the twins through the engine's bridge.</summary>
public class ExternalBrokerTests(ExternalBrokerFixture fixture) : IClassFixture<ExternalBrokerFixture>
{
    private const string Aggregator = "GW-NBIOT-01";

    private Engine Engine => fixture.Engine;

    private string Root => fixture.TopicRoot;

    private static MqttApplicationMessage Message(string topic, string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    private static string Telemetry(string metric, double value) =>
        JsonSerializer.Serialize(new { values = new Dictionary<string, double> { [metric] = value } });

    private static async Task PublishAsDeviceAsync(string topic, string payload)
    {
        using var device = await TestMosquitto.ConnectDeviceAsync($"test-device-{Guid.NewGuid():N}");
        (await device.PublishAsync(Message(topic, payload))).ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        await device.DisconnectAsync();
    }

    /// <summary>
    /// The bridge is asynchronous: what mosquitto accepted shows at the twin a moment later. Waits until the
    /// condition holds or time is up; the test's own assertion then says what was found.
    /// </summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    private static Task EventuallyAsync(Func<bool> condition, TimeSpan? timeout = null) =>
        EventuallyAsync(() => Task.FromResult(condition()), timeout);

    private async Task<double?> ValueAsync(string deviceId, string metric, string token)
    {
        var twin = await Engine.GetDeviceAsync(deviceId, token);
        return twin.GetProperty("values").TryGetProperty(metric, out var reading) ? reading.GetDouble() : null;
    }

    private async Task<long> RejectedAsync(string reason, string token)
    {
        using var http = Engine.Http(token);
        var stats = await http.GetFromJsonAsync<JsonElement>("/api/gateway/stats");
        return stats.GetProperty("rejected").TryGetProperty(reason, out var n) ? n.GetInt64() : 0;
    }

    private static IEnumerable<DeviceRecord> DevicesIn(string region, DeviceKind kind) =>
        Engine.Devices.Where(d => d.Kind == kind && d.CellCode.StartsWith(region, StringComparison.Ordinal));

    [Fact]
    public async Task A_reading_published_to_the_external_broker_reaches_the_devices_twin()
    {
        var device = Engine.Device(DeviceKind.Manhole, 20);
        var token = await Engine.TokenAsync("operator");

        await PublishAsDeviceAsync($"{Root}/{device.Id}/telemetry", Telemetry("tiltDeg", 6.25));

        await EventuallyAsync(async () => await ValueAsync(device.Id, "tiltDeg", token) == 6.25);
        (await ValueAsync(device.Id, "tiltDeg", token)).Should().Be(6.25);
    }

    [Fact]
    public async Task Health_reports_the_bridge_connected()
    {
        using var http = Engine.Http();

        var health = await http.GetFromJsonAsync<JsonElement>("/health");

        health.GetProperty("checks").GetProperty("mqtt-external").GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Fact]
    public async Task Two_bridges_in_one_shared_group_split_the_messages_and_each_is_applied_once()
    {
        var first = fixture.Bridge;
        var services = Engine.Services;
        var options = services.GetRequiredService<IOptions<ExternalBrokerOptions>>().Value;
        await using var second = ActivatorUtilities.CreateInstance<ExternalBrokerBridge>(services, Options.Create(new ExternalBrokerOptions
        {
            Enabled = true,
            Host = options.Host,
            Port = options.Port,
            Username = options.Username,
            Password = options.Password,
            SharedGroup = options.SharedGroup,
        }));
        await second.StartAsync(CancellationToken.None);
        second.IsConnected.Should().BeTrue();
        var (firstBefore, secondBefore) = (first.Accepted, second.Accepted);
        var devices = Engine.Devices.Where(d => d.Kind == DeviceKind.Noise).Take(20).ToList();
        var token = await Engine.TokenAsync("operator");

        using (var publisher = await TestMosquitto.ConnectDeviceAsync($"test-publisher-{Guid.NewGuid():N}"))
        {
            for (var i = 0; i < devices.Count; i++)
            {
                await publisher.PublishAsync(Message($"{Root}/{devices[i].Id}/telemetry", Telemetry("noiseDb", 40 + i)));
            }
        }

        await EventuallyAsync(() => first.Accepted - firstBefore + second.Accepted - secondBefore >= devices.Count);
        await second.StopAsync(CancellationToken.None);
        var (byFirst, bySecond) = (first.Accepted - firstBefore, second.Accepted - secondBefore);
        (byFirst + bySecond).Should().Be(devices.Count);
        byFirst.Should().BePositive();
        bySecond.Should().BePositive();
        for (var i = 0; i < devices.Count; i++)
        {
            (await ValueAsync(devices[i].Id, "noiseDb", token)).Should().Be(40 + i, devices[i].Id);
        }
    }

    [Fact]
    public async Task A_command_goes_out_through_the_external_broker_and_its_ack_marks_it_acknowledged()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 20);
        using var device = await TestMosquitto.ConnectDeviceAsync($"{pole.Id}-{Guid.NewGuid():N}");
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.ApplicationMessageReceivedAsync += args =>
        {
            using var json = JsonDocument.Parse(args.ApplicationMessage.Payload);
            received.TrySetResult(json.RootElement.Clone());
            return Task.CompletedTask;
        };
        await device.SubscribeAsync($"{Root}/{pole.Id}/commands", MqttQualityOfServiceLevel.AtLeastOnce);
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.PostAsJsonAsync($"/api/devices/{pole.Id}/commands", new { name = "setLight", args = new { level = 40 } });

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var command = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        command.GetProperty("name").GetString().Should().Be("setLight");
        command.GetProperty("args").GetProperty("level").GetInt32().Should().Be(40);
        var id = command.GetProperty("id").GetString();
        await device.PublishAsync(Message($"{Root}/{pole.Id}/commands/ack", JsonSerializer.Serialize(new { id, ok = true, error = (string?)null })));
        async Task<string?> StateAsync() => (await http.GetFromJsonAsync<JsonElement>($"/api/devices/{pole.Id}/commands"))
            .EnumerateArray().Single(c => c.GetProperty("id").GetString() == id).GetProperty("state").GetString();
        await EventuallyAsync(async () => await StateAsync() == "acknowledged");
        (await StateAsync()).Should().Be("acknowledged");
    }

    [Fact]
    public async Task A_message_for_an_unknown_device_is_refused_and_counted()
    {
        var token = await Engine.TokenAsync("operator");
        var before = await RejectedAsync("unknownDevice", token);

        await PublishAsDeviceAsync($"{Root}/NO-SUCH-DEVICE/telemetry", Telemetry("noiseDb", 50));

        await EventuallyAsync(async () => await RejectedAsync("unknownDevice", token) > before);
        (await RejectedAsync("unknownDevice", token)).Should().Be(before + 1);
    }

    [Fact]
    public async Task The_bridge_reconnects_after_the_broker_drops_it_and_messages_flow_again()
    {
        var bridge = fixture.Bridge;
        var device = Engine.Device(DeviceKind.Gas, 20);
        var token = await Engine.TokenAsync("operator");

        // A second client with the bridge's client id makes mosquitto throw the bridge off, as a broker restart
        // would; the bridge, coming back, throws the usurper off in turn.
        using var usurper = new MqttClientFactory().CreateMqttClient();
        await usurper.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(TestMosquitto.Host, TestMosquitto.AnonymousPort)
            .WithClientId(bridge.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .Build());

        await EventuallyAsync(() => !usurper.IsConnected && bridge.IsConnected);
        usurper.IsConnected.Should().BeFalse();
        bridge.IsConnected.Should().BeTrue();
        await PublishAsDeviceAsync($"{Root}/{device.Id}/telemetry", Telemetry("gasLel", 2.5));
        await EventuallyAsync(async () => await ValueAsync(device.Id, "gasLel", token) == 2.5);
        (await ValueAsync(device.Id, "gasLel", token)).Should().Be(2.5);
    }

    [Fact]
    public async Task A_bridge_whose_broker_cannot_be_reached_starts_anyway_and_reports_itself_unhealthy()
    {
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var bridge = ActivatorUtilities.CreateInstance<ExternalBrokerBridge>(Engine.Services, Options.Create(new ExternalBrokerOptions
        {
            Enabled = true,
            Host = "127.0.0.1",
            Port = port,
        }));

        await bridge.StartAsync(CancellationToken.None);

        var health = await new ExternalBrokerHealthCheck(bridge).CheckHealthAsync(new HealthCheckContext());
        health.Status.Should().Be(HealthStatus.Unhealthy);
        health.Description.Should().Contain($"127.0.0.1:{port}");
        await bridge.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task An_aggregators_batch_reaches_each_devices_twin()
    {
        var devices = DevicesIn("990101", DeviceKind.WaterLevel).Take(3).ToList();
        var token = await Engine.TokenAsync("operator");
        var batch = JsonSerializer.Serialize(devices.Select((d, i) => new { deviceId = d.Id, seq = 1, values = new { waterLevelCm = i + 1.5 } }));

        await PublishAsDeviceAsync(AggregatorTopic.Format(Root, Aggregator), batch);

        async Task<double?[]> ValuesAsync() => await Task.WhenAll(devices.Select(d => ValueAsync(d.Id, "waterLevelCm", token)));
        await EventuallyAsync(async () => (await ValuesAsync()).All(v => v is not null));
        (await ValuesAsync()).Should().Equal(1.5, 2.5, 3.5);
    }

    [Fact]
    public async Task An_aggregators_entry_for_a_device_outside_its_regions_is_refused_while_the_rest_of_the_batch_applies()
    {
        var inside = DevicesIn("990101", DeviceKind.AirQuality).First();
        var outside = DevicesIn("990103", DeviceKind.AirQuality).First();
        var token = await Engine.TokenAsync("operator");
        var before = await RejectedAsync("foreignTopic", token);
        var batch = JsonSerializer.Serialize(new[]
        {
            new { deviceId = outside.Id, values = new { pm25 = 91 } },
            new { deviceId = inside.Id, values = new { pm25 = 61 } },
        });

        await PublishAsDeviceAsync(AggregatorTopic.Format(Root, Aggregator), batch);

        await EventuallyAsync(async () => await ValueAsync(inside.Id, "pm25", token) == 61 && await RejectedAsync("foreignTopic", token) > before);
        (await ValueAsync(inside.Id, "pm25", token)).Should().Be(61);
        (await ValueAsync(outside.Id, "pm25", token)).Should().BeNull();
        (await RejectedAsync("foreignTopic", token)).Should().Be(before + 1);
    }
    [Fact]
    public async Task A_revoked_devices_messages_through_the_external_broker_are_refused()
    {
        var device = Engine.Device(DeviceKind.Noise, 40);
        var token = await Engine.TokenAsync("operator");
        await PublishAsDeviceAsync($"{Root}/{device.Id}/telemetry", Telemetry("noiseDb", 41));
        await EventuallyAsync(async () => await ValueAsync(device.Id, "noiseDb", token) == 41);
        using (var admin = Engine.Http(await Engine.TokenAsync("admin")))
        {
            (await admin.PostAsync(new Uri($"/api/devices/{device.Id}/revoke", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        var before = await RejectedAsync("revoked", token);

        await PublishAsDeviceAsync($"{Root}/{device.Id}/telemetry", Telemetry("noiseDb", 77));

        await EventuallyAsync(async () => await RejectedAsync("revoked", token) > before);
        (await RejectedAsync("revoked", token)).Should().Be(before + 1);
        (await ValueAsync(device.Id, "noiseDb", token)).Should().Be(41);
    }

    [Fact]
    public async Task A_device_flooding_through_the_external_broker_is_throttled()
    {
        var device = Engine.Device(DeviceKind.Noise, 41);
        var token = await Engine.TokenAsync("operator");
        using (var publisher = await TestMosquitto.ConnectDeviceAsync($"test-flooder-{Guid.NewGuid():N}"))
        {
            for (var i = 0; i < 60; i++)
            {
                await publisher.PublishAsync(Message($"{Root}/{device.Id}/telemetry", Telemetry("noiseDb", 40 + (i % 5))));
            }
        }

        long Throttled(JsonElement stats) => stats.GetProperty("throttled").TryGetProperty(device.Id, out var n) ? n.GetInt64() : 0;
        async Task<JsonElement> StatsAsync()
        {
            using var http = Engine.Http(token);
            return await http.GetFromJsonAsync<JsonElement>("/api/gateway/stats");
        }

        await EventuallyAsync(async () => Throttled(await StatsAsync()) >= 20);
        Throttled(await StatsAsync()).Should().BeGreaterThanOrEqualTo(20);
    }

    [Fact]
    public async Task An_alarm_kind_the_device_may_not_raise_is_refused_through_the_external_broker()
    {
        var gas = Engine.Device(DeviceKind.Gas, 40);
        var token = await Engine.TokenAsync("operator");
        var before = await RejectedAsync("kindNotAllowed", token);

        await PublishAsDeviceAsync($"{Root}/{gas.Id}/alarm", """{"kind":"smoke_fire"}""");

        await EventuallyAsync(async () => await RejectedAsync("kindNotAllowed", token) > before);
        (await RejectedAsync("kindNotAllowed", token)).Should().Be(before + 1);
    }
}
