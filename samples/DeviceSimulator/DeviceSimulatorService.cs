using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace CityOps.Samples.DeviceSimulator;

/// <summary>
/// Plays the sample city's field devices against an MQTT broker: one real MQTT connection per device, telemetry
/// on each device's interval, status with a last will, the odd SOS and video detection, and answers to commands.
/// </summary>
public sealed class DeviceSimulatorService(IOptions<SimulatorOptions> options, ILogger<DeviceSimulatorService> logger)
    : BackgroundService
{
    public const int DefaultMqttPort = 1883;
    public const string DefaultTopicRoot = "city";

    /// <summary>How long saying goodbye may take on shutdown before the broker's last wills take over.</summary>
    private static readonly TimeSpan ShutdownBudget = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var city = await LoadCityAsync(settings.CityPath, stoppingToken);
        if (city is null)
        {
            return;
        }

        var selected = SimulatedCity.Select(city.Devices, settings.MaxDevices);
        if (selected.Count == 0)
        {
            logger.LogWarning("Device simulator: the city at {CityPath} has no devices; nothing to simulate", settings.CityPath);
            return;
        }

        var brokers = BrokerEndpoint.From(settings, settings.Port ?? DefaultMqttPort);
        var topicRoot = string.IsNullOrWhiteSpace(settings.TopicRoot) ? DefaultTopicRoot : settings.TopicRoot;
        var seed = settings.Seed ?? Random.Shared.Next();
        var clock = new SimulatedClock(DateTimeOffset.UtcNow, settings.TimeScale, UtcOffset(settings.UtcOffsetHours));
        using var loop = new SimulationLoop(settings.ConnectParallelism);
        var context = new SimulationContext(
            new MqttClientFactory(), brokers, topicRoot, clock, settings.OfflineRate,
            new BoundedLog(logger, TimeSpan.FromSeconds(10)), loop.OnConnectionLost, stoppingToken);
        var devices = selected.Select(record => CreateDevice(record, city, settings, seed, context)).ToList();

        logger.LogInformation(
            "Simulating {Count} devices ({Kinds}) against mqtt://{Brokers}, scenario {Scenario}, time scale {TimeScale}x, seed {Seed}, {LowLying} low-lying cells",
            devices.Count, string.Join(", ", selected.GroupBy(d => d.Kind).Select(g => $"{g.Count()} {g.Key}")),
            string.Join(", mqtt://", brokers), settings.Scenario, clock.TimeScale, seed, city.LowLyingCells.Count);

        try
        {
            await loop.RunAsync(devices, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; the devices say goodbye below.
        }
        finally
        {
            await loop.DrainAsync();
            await SwitchOffAsync(devices, settings.ConnectParallelism);
        }
    }

    private static SimulatedDevice CreateDevice(
        DeviceRecord record, SimulatedCity city, SimulatorOptions settings, int seed, SimulationContext context)
    {
        // Each device gets its own generator seeded from its id, so its story does not depend on how many others run.
        var random = new Random(unchecked((int)StableHash.Of(record.Id, (uint)seed)));
        var model = new DeviceModel(
            record, city.LowLyingCells.Contains(record.CellCode), settings.Scenario, settings.FaultRate, random);
        return new SimulatedDevice(record, model, random, context);
    }

    private async Task<SimulatedCity?> LoadCityAsync(string? cityPath, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(cityPath))
        {
            logger.LogWarning("Device simulator: no city folder configured (Simulator:CityPath or City:Path); not simulating");
            return null;
        }

        try
        {
            return await SimulatedCity.LoadAsync(cityPath, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            logger.LogWarning(ex, "Device simulator: cannot read the city at {CityPath}; not simulating", cityPath);
            return null;
        }
    }

    private async Task SwitchOffAsync(List<SimulatedDevice> devices, int parallelism)
    {
        using var budget = new CancellationTokenSource(ShutdownBudget);
        await Parallel.ForEachAsync(
            devices,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) },
            async (device, _) => await device.StopAsync(budget.Token));
        foreach (var device in devices)
        {
            device.Dispose();
        }

        logger.LogInformation("Device simulator stopped; {Count} devices disconnected", devices.Count);
    }

    /// <summary>A whole number of minutes within ±14 h, as <see cref="DateTimeOffset"/> requires.</summary>
    private static TimeSpan UtcOffset(double hours) => TimeSpan.FromMinutes(Math.Clamp(Math.Round(hours * 60), -14 * 60, 14 * 60));
}
