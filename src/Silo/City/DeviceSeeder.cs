using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;
using CityOps.Silo.Hosting;

namespace CityOps.Silo.City;

/// <summary>One entry of the optional <c>gateways.json</c>: an aggregator (NB-IoT/LoRa platform), its secret and the regions it forwards for.</summary>
public sealed record AggregatorRecord(string Id, string Secret, string[] Regions);

/// <summary>
/// Registers the city's devices (accounts and twins) and aggregators before the broker lets them connect. The
/// import is remembered by the file's fingerprint, so a restart with the same file starts at once
/// and activates no grain; a changed file is imported again (registration is idempotent).
/// </summary>
public sealed partial class DeviceSeeder(EngineSettings settings, IGrainFactory grains, ILogger<DeviceSeeder> logger) : IHostedService
{
    /// <summary>Bump when seeding itself changes, so every city is imported again once.</summary>
    private const string SeedingVersion = "2";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await SeedDevicesAsync(cancellationToken);
        await SeedAggregatorsAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedDevicesAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(settings.CityPath, "devices.json");
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        var fingerprint = $"{SeedingVersion}:{Convert.ToHexString(SHA256.HashData(bytes))}";
        var import = grains.GetGrain<ICityImportGrain>("devices");
        if (await import.GetFingerprint() == fingerprint)
        {
            LogAlreadyImported(path);
            return;
        }

        var devices = JsonSerializer.Deserialize<DeviceRecord[]>(bytes, CityJson.Options)
            ?? throw new InvalidDataException($"{path} holds no devices.");
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            devices,
            new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (device, _) =>
            {
                await grains.GetGrain<IDeviceAccountGrain>(device.Id).EnsureRegistered(device.Kind, device.Secret);
                await DeviceTwins.Get(grains, device.Kind, device.Id).Provision(DeviceProfile.From(device));
            });
        await import.SetFingerprint(fingerprint);
        LogImported(devices.Length, path, watch.Elapsed.TotalSeconds);
    }

    /// <summary>The aggregators of the optional <c>gateways.json</c>, remembered by fingerprint like the devices.</summary>
    private async Task SeedAggregatorsAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(settings.CityPath, "gateways.json");
        if (!File.Exists(path))
        {
            return;
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        var fingerprint = $"{SeedingVersion}:{Convert.ToHexString(SHA256.HashData(bytes))}";
        var import = grains.GetGrain<ICityImportGrain>("gateways");
        if (await import.GetFingerprint() == fingerprint)
        {
            LogAggregatorsAlreadyImported(path);
            return;
        }

        var aggregators = JsonSerializer.Deserialize<AggregatorRecord[]>(bytes, CityJson.Options)
            ?? throw new InvalidDataException($"{path} holds no aggregators.");
        foreach (var aggregator in aggregators)
        {
            if (string.IsNullOrEmpty(aggregator.Id) || string.IsNullOrEmpty(aggregator.Secret) || aggregator.Regions is null)
            {
                throw new InvalidDataException($"{path}: every aggregator needs an id, a secret and regions.");
            }

            await grains.GetGrain<IAggregatorAccountGrain>(aggregator.Id).EnsureRegistered(aggregator.Secret, aggregator.Regions);
        }

        await import.SetFingerprint(fingerprint);
        LogAggregatorsImported(aggregators.Length, path);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Devices of {Path} already registered")]
    private partial void LogAlreadyImported(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Count} devices from {Path} in {Seconds:F1} s")]
    private partial void LogImported(int count, string path, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Aggregators of {Path} already registered")]
    private partial void LogAggregatorsAlreadyImported(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Count} aggregators from {Path}")]
    private partial void LogAggregatorsImported(int count, string path);
}
