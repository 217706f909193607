using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Silo.Hosting;

namespace CityOps.Silo.City;

/// <summary>
/// Registers the city's devices (accounts and twins) before the broker lets them connect. The
/// import is remembered by the file's fingerprint, so a restart with the same file starts at once
/// and activates no grain; a changed file is imported again (registration is idempotent).
/// </summary>
public sealed partial class DeviceSeeder(EngineSettings settings, IGrainFactory grains, ILogger<DeviceSeeder> logger) : IHostedService
{
    /// <summary>Bump when seeding itself changes, so every city is imported again once.</summary>
    private const string SeedingVersion = "1";

    public async Task StartAsync(CancellationToken cancellationToken)
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

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Devices of {Path} already registered")]
    private partial void LogAlreadyImported(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Count} devices from {Path} in {Seconds:F1} s")]
    private partial void LogImported(int count, string path, double seconds);
}
