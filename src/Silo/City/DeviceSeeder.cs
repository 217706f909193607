using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using CityOps.DeviceGateway.Sip;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Silo.Hosting;
using CityOps.Sip;

namespace CityOps.Silo.City;

/// <summary>One entry of the optional <c>gateways.json</c>: an aggregator (NB-IoT/LoRa platform), its secret and the regions it forwards for.</summary>
public sealed record AggregatorRecord(string Id, string Secret, string[] Regions);

/// <summary>
/// Registers the city's devices and aggregators before the broker lets them connect. Devices are registered in
/// bulk: each registry shard (<see cref="IDeviceRegistryGrain"/>) gets its devices in one call and each grid cell
/// its devices in one call, so no account or twin is activated and nothing is written per device. The import is
/// remembered by the file's fingerprint, so a restart with the same file starts at once and activates no grain;
/// a changed file is imported again (registration is idempotent) and only twins whose profile changed are told.
/// </summary>
public sealed partial class DeviceSeeder(EngineSettings settings, IGrainFactory grains, ProfileParts parts, IConfiguration configuration, ILogger<DeviceSeeder> logger)
    : IHostedService
{
    /// <summary>Bump when seeding itself changes, so every city is imported again once.</summary>
    private const string SeedingVersion = "3";

    /// <summary>Calls to shards and cells at once: enough to keep both cores and the storage writer busy.</summary>
    private const int ParallelCalls = 16;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await SeedDevicesAsync(cancellationToken);
        await SeedAggregatorsAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedDevicesAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var path = Path.Combine(settings.CityPath, "devices.json");
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        // The realm is part of the fingerprint: GB devices' digest credentials are made for it (docs/gb28181.md).
        var realm = SipOptions.From(configuration).EffectiveRealm;
        var fingerprint = $"{SeedingVersion}:{Convert.ToHexString(SHA256.HashData(bytes))}:{realm}";
        var import = grains.GetGrain<ICityImportGrain>("devices");
        if (await import.GetFingerprint() == fingerprint)
        {
            LogAlreadyImported(path);
            return;
        }

        var devices = JsonSerializer.Deserialize<DeviceRecord[]>(bytes, CityJson.Options)
            ?? throw new InvalidDataException($"{path} holds no devices.");
        bytes = [];
        var profiles = new DeviceProfile[devices.Length];
        for (var i = 0; i < devices.Length; i++)
        {
            if (string.IsNullOrEmpty(devices[i].Id) || string.IsNullOrEmpty(devices[i].Secret) || string.IsNullOrEmpty(devices[i].CellCode))
            {
                throw new InvalidDataException($"{path}: every device needs an id, a secret and a cell.");
            }

            profiles[i] = parts.Share(DeviceProfile.From(devices[i]));
        }

        // Shards and cells side by side: the one storage writer is kept busy while the other side computes.
        var read = watch.Elapsed;
        var registering = RegisterInShardsAsync(devices, profiles, realm, cancellationToken);
        var counting = CountInCellsAsync(profiles, cancellationToken);
        var changes = await registering;
        var registered = watch.Elapsed;
        var cells = await counting;
        var counted = watch.Elapsed;
        await ApplyChangesAsync(changes, cancellationToken);
        await import.SetFingerprint(fingerprint);

        // The file and what was built from it are garbage now; a million devices' worth is returned to the system.
        var count = devices.Length;
        devices = [];
        profiles = [];
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        LogImported(
            count, path, watch.Elapsed.TotalSeconds, read.TotalSeconds, DeviceRegistry.Shards, (registered - read).TotalSeconds,
            cells, (counted - read).TotalSeconds, changes.Count, (watch.Elapsed - counted).TotalSeconds);
    }

    /// <summary>
    /// Sends every registry shard its devices in one call (each shard hashes their secrets and writes once), the
    /// shards side by side; answers the devices already registered whose profile changed.
    /// </summary>
    private async Task<List<RegistryChange>> RegisterInShardsAsync(DeviceRecord[] devices, DeviceProfile[] profiles, string realm, CancellationToken cancellationToken)
    {
        var shards = new List<DeviceEnrolment>[DeviceRegistry.Shards];
        for (var i = 0; i < devices.Length; i++)
        {
            (shards[DeviceRegistry.ShardOf(devices[i].Id)] ??= []).Add(new DeviceEnrolment(profiles[i], devices[i].Secret, DigestOf(devices[i], realm)));
        }

        var changes = new List<RegistryChange>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, DeviceRegistry.Shards).Where(shard => shards[shard] is not null),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelCalls, CancellationToken = cancellationToken },
            async (shard, _) =>
            {
                var changed = await grains.GetGrain<IDeviceRegistryGrain>(shard).Register([.. shards[shard]]);
                if (changed.Length > 0)
                {
                    lock (changes)
                    {
                        changes.AddRange(changed);
                    }
                }
            });
        return changes;
    }

    /// <summary>
    /// A video device with a 20-digit GB code registers over SIP (GB/T 28181), whose digest needs HA1: it is made here, while
    /// the secret is in hand, for the access point's realm.
    /// </summary>
    private static DigestCredential? DigestOf(DeviceRecord device, string realm) =>
        device.Kind is DeviceKind.Nvr or DeviceKind.Camera && GbCodes.IsValid(device.Id)
            ? new DigestCredential(realm, SipDigest.Ha1(device.Id, realm, device.Secret))
            : null;

    /// <summary>Tells every grid cell its devices in one call, so the city's counts are right before any device speaks.</summary>
    private async Task<int> CountInCellsAsync(DeviceProfile[] profiles, CancellationToken cancellationToken)
    {
        var cells = profiles
            .GroupBy(p => p.CellCode, StringComparer.Ordinal)
            .Select(g => (Cell: g.Key, Devices: g.Select(p => new DeviceRegistrant(p.Id, p.Kind)).ToArray()))
            .ToList();
        await Parallel.ForEachAsync(
            cells,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelCalls, CancellationToken = cancellationToken },
            async (cell, _) => await grains.GetGrain<IGridCellGrain>(cell.Cell).RegisterDevices(cell.Devices));
        return cells.Count;
    }

    /// <summary>
    /// A device whose profile changed leaves the cell it stood in, and its twin learns the new profile (a twin with
    /// no state of its own reads it from its shard anyway; one with state, or active now, is told).
    /// </summary>
    private async Task ApplyChangesAsync(List<RegistryChange> changes, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(
            changes,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelCalls, CancellationToken = cancellationToken },
            async (change, _) =>
            {
                if (change.PreviousCell is { } previous && previous != change.Profile.CellCode)
                {
                    await grains.GetGrain<IGridCellGrain>(previous).RemoveDevice(change.Profile.Id);
                }

                await DeviceTwins.Get(grains, change.Profile.Kind, change.Profile.Id).Provision(change.Profile);
            });

    /// <summary>The aggregators of the optional <c>gateways.json</c>, remembered by fingerprint like the devices.</summary>
    private async Task SeedAggregatorsAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(settings.CityPath, "gateways.json");
        if (!File.Exists(path))
        {
            return;
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        // The realm is part of the fingerprint: GB devices' digest credentials are made for it (docs/gb28181.md).
        var realm = SipOptions.From(configuration).EffectiveRealm;
        var fingerprint = $"{SeedingVersion}:{Convert.ToHexString(SHA256.HashData(bytes))}:{realm}";
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Count} devices from {Path} in {Seconds:F1} s: file read in {ReadSeconds:F1} s, {Shards} registry shards in {ShardSeconds:F1} s and, meanwhile, {Cells} grid cells in {CellSeconds:F1} s, {Changed} changed profiles sent to twins in {TwinSeconds:F1} s")]
    private partial void LogImported(int count, string path, double seconds, double readSeconds, int shards, double shardSeconds, int cells, double cellSeconds, int changed, double twinSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Aggregators of {Path} already registered")]
    private partial void LogAggregatorsAlreadyImported(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Count} aggregators from {Path}")]
    private partial void LogAggregatorsImported(int count, string path);
}
