using System.Globalization;
using System.Text;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Samples.DeviceSimulator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityOps.Samples.Tests.DeviceSimulator;

/// <summary>The simulator against a real MQTT broker on loopback.</summary>
public sealed class DeviceSimulatorServiceTests : IAsyncLifetime
{
    private const double TimeScale = 20;

    // With TimeScale 20 the fast devices report every 100 ms; the slow one every 3 s.
    private static readonly DeviceRecord Pole = new("P-1", DeviceKind.SmartPole, "pole", [115.0, 28.6], "C1", "pole-secret", 2);
    private static readonly DeviceRecord Water = new("W-1", DeviceKind.WaterLevel, "water", [115.0, 28.6], "C1", "water-secret", 2);
    private static readonly DeviceRecord SlowGas = new("G-1", DeviceKind.Gas, "gas", [115.0, 28.6], "C1", "gas-secret", 60);

    private readonly string _cityPath = Directory.CreateTempSubdirectory("sim-e2e-").FullName;
    private readonly List<DeviceSimulatorService> _services = [];
    private readonly List<TestBroker> _brokers = [];

    public Task InitializeAsync() => File.WriteAllTextAsync(
        Path.Combine(_cityPath, SimulatedCity.DevicesFile),
        JsonSerializer.Serialize(new[] { Pole, Water, SlowGas }, CityJson.Options));

    public async Task DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
        }

        foreach (var broker in _brokers)
        {
            await broker.DisposeAsync();
        }

        Directory.Delete(_cityPath, recursive: true);
    }

    [Fact]
    public async Task Devices_publish_telemetry_under_their_own_credentials()
    {
        var broker = await StartBrokerAsync();
        await StartSimulatorAsync(broker);

        var telemetry = await broker.WaitForAsync(m => m.Topic == "city/W-1/telemetry");

        telemetry.ClientId.Should().Be("W-1");
        telemetry.UserName.Should().Be("W-1");
        using var json = JsonDocument.Parse(telemetry.Payload);
        var root = json.RootElement;
        root.GetProperty("seq").GetInt64().Should().Be(1);
        var ts = DateTimeOffset.Parse(root.GetProperty("ts").GetString()!, CultureInfo.InvariantCulture);
        ts.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(10));
        root.GetProperty("values").GetProperty("waterLevelCm").GetDouble().Should().BeInRange(0, 3);
        root.GetProperty("values").GetProperty("battery").GetDouble().Should().BeInRange(0, 100);
    }

    [Fact]
    public async Task Devices_announce_themselves_online_with_a_retained_status()
    {
        var broker = await StartBrokerAsync();
        await StartSimulatorAsync(broker);

        var status = await broker.WaitForAsync(m => m.Topic == "city/P-1/status");

        status.Retain.Should().BeTrue();
        status.Payload.Should().Be("""{"online":true}""");
        var retained = await broker.Server.GetRetainedMessageAsync("city/P-1/status");
        retained.Should().NotBeNull();
    }

    [Fact]
    public async Task Sequence_numbers_count_up_from_1()
    {
        var broker = await StartBrokerAsync();
        await StartSimulatorAsync(broker);

        await broker.WaitForAsync(m => m.Topic == "city/P-1/telemetry" && Seq(m) == 3);

        broker.Messages.Where(m => m.Topic == "city/P-1/telemetry").Select(Seq).Take(3).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task A_slow_reporting_device_does_not_report_straight_after_connecting()
    {
        var broker = await StartBrokerAsync();
        await StartSimulatorAsync(broker);
        await broker.WaitForAsync(m => m.Topic == "city/G-1/status");

        await broker.WaitForAsync(m => m.Topic == "city/W-1/telemetry" && Seq(m) == 3);

        broker.Messages.Should().NotContain(m => m.Topic == "city/G-1/telemetry",
            "a device first reports half to one interval (here 1.5–3 s) after it connects");
    }

    [Fact]
    public async Task A_pole_acknowledges_set_light_and_reports_its_new_light_level()
    {
        var broker = await StartBrokerAsync();
        await StartSimulatorAsync(broker);
        await broker.WaitForAsync(m => m.Topic == "city/P-1/status");

        await broker.PublishAsync("city/P-1/commands", """{"id":"cmd-7","name":"setLight","args":{"level":30}}""");

        var ack = await broker.WaitForAsync(m => m.Topic == "city/P-1/commands/ack");
        ack.Payload.Should().Be("""{"id":"cmd-7","ok":true,"error":null}""");
        await broker.WaitForAsync(m => m.Topic == "city/P-1/telemetry" && m.Payload.Contains("\"lightLevel\":30", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Devices_connect_once_the_broker_comes_up()
    {
        var broker = await CreateBrokerAsync(start: false);
        var logger = new RecordingLogger<DeviceSimulatorService>();
        await StartSimulatorAsync(broker, logger);
        await logger.WaitForAsync(e => e.Level == LogLevel.Warning && e.Message.Contains("cannot connect", StringComparison.Ordinal));

        await broker.StartAsync();

        await broker.WaitForAsync(m => m.Topic == "city/W-1/telemetry");
    }

    [Fact]
    public async Task The_simulator_announces_what_it_simulates_in_one_line()
    {
        var broker = await StartBrokerAsync();
        var logger = new RecordingLogger<DeviceSimulatorService>();

        await StartSimulatorAsync(broker, logger);

        await logger.WaitForAsync(e => e.Level == LogLevel.Information && e.Message.StartsWith("Simulating 3 devices", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_device_the_broker_refuses_does_not_hold_up_the_others()
    {
        var broker = await CreateBrokerAsync(start: true, refuse: Pole.Id);
        await StartSimulatorAsync(broker);

        await broker.WaitForAsync(m => m.Topic == "city/W-1/telemetry");

        broker.Messages.Should().NotContain(m => m.ClientId == Pole.Id);
    }

    [Fact]
    public async Task Stopping_the_simulator_leaves_its_devices_offline()
    {
        var broker = await StartBrokerAsync();
        var service = await StartSimulatorAsync(broker);
        await broker.WaitForAsync(m => m.Topic == "city/W-1/telemetry");

        await service.StopAsync(CancellationToken.None);

        var retained = await broker.Server.GetRetainedMessageAsync("city/W-1/status");
        Encoding.UTF8.GetString(retained.Payload).Should().Be("""{"online":false}""");
    }

    [Fact]
    public async Task Devices_configured_with_two_gateways_move_to_the_other_when_theirs_stops()
    {
        var first = await StartBrokerAsync();
        var second = await StartBrokerAsync();
        await StartSimulatorAsync(first, brokers: $"127.0.0.1:{first.Port},127.0.0.1:{second.Port}");
        var devices = new[] { Pole.Id, Water.Id, SlowGas.Id };
        await Task.WhenAll(devices.Select(id => Task.WhenAny(
            first.WaitForAsync(m => m.Topic == $"city/{id}/status"),
            second.WaitForAsync(m => m.Topic == $"city/{id}/status"))));
        var onFirst = devices.Where(id => first.Messages.Any(m => m.ClientId == id)).ToList();

        await first.Server.StopAsync(new MQTTnet.Server.MqttServerStopOptions());

        onFirst.Should().NotBeEmpty("three devices spread over two gateways put at least one on the first here");
        await Task.WhenAll(onFirst.Select(id => second.WaitForAsync(m => m.Topic == $"city/{id}/telemetry", TimeSpan.FromSeconds(20))));
    }

    [Theory]
    [InlineData("10.0.0.5:1883, 10.0.0.6:1884", "10.0.0.5:1883|10.0.0.6:1884")]
    [InlineData("gateway-a.city.local:8883", "gateway-a.city.local:8883")]
    public void Brokers_are_read_as_a_list_of_host_and_port(string brokers, string expected)
    {
        BrokerEndpoint.From(new SimulatorOptions { Brokers = brokers }, 1883).Select(b => b.ToString()).Should().Equal(expected.Split('|'));
    }

    [Fact]
    public void Without_a_list_the_one_broker_is_host_and_port()
    {
        BrokerEndpoint.From(new SimulatorOptions { Host = "127.0.0.1" }, 18830).Should().Equal(new BrokerEndpoint("127.0.0.1", 18830));
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("10.0.0.5:port")]
    [InlineData("10.0.0.5:70000")]
    public void A_broker_entry_without_a_port_is_refused_naming_it(string entry)
    {
        var read = () => BrokerEndpoint.From(new SimulatorOptions { Brokers = entry }, 1883);

        read.Should().Throw<InvalidOperationException>().WithMessage($"*'{entry}'*host:port*");
    }

    private static long Seq(ReceivedMessage message)
    {
        using var json = JsonDocument.Parse(message.Payload);
        return json.RootElement.GetProperty("seq").GetInt64();
    }

    private Task<TestBroker> StartBrokerAsync() => CreateBrokerAsync(start: true);

    private async Task<TestBroker> CreateBrokerAsync(bool start, string? refuse = null)
    {
        var secrets = new[] { Pole, Water, SlowGas }
            .Where(d => d.Id != refuse)
            .ToDictionary(d => d.Id, d => d.Secret);
        var broker = await TestBroker.CreateAsync(secrets, start);
        _brokers.Add(broker);
        return broker;
    }

    private async Task<DeviceSimulatorService> StartSimulatorAsync(TestBroker broker, ILogger<DeviceSimulatorService>? logger = null, string? brokers = null)
    {
        var options = new SimulatorOptions
        {
            Port = broker.Port,
            Brokers = brokers,
            CityPath = _cityPath,
            TimeScale = TimeScale,
            Seed = 1,
            FaultRate = 0,
            OfflineRate = 0,
            ConnectParallelism = 4,
        };
        var service = new DeviceSimulatorService(Options.Create(options), logger ?? NullLogger<DeviceSimulatorService>.Instance);
        _services.Add(service);
        await service.StartAsync(CancellationToken.None);
        return service;
    }
}
