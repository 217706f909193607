using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.DashboardHost.Map.Devices;

/// <summary>A device's state as a map marker shows it, best to worst; a cluster takes its worst device's.</summary>
public enum MarkState : byte
{
    Normal = 0,
    Offline = 1,
    Minor = 2,
    Major = 3,
    Critical = 4,
}

/// <summary>Every registered device with its place and state, in columns (index i of each list is one device).</summary>
/// <param name="Kinds">The device kinds; <paramref name="Kind"/> holds an index into it.</param>
/// <param name="State">A <see cref="MarkState"/> per device.</param>
public sealed record DeviceMarks(
    DateTimeOffset At,
    IReadOnlyList<string> Kinds,
    IReadOnlyList<string> Id,
    IReadOnlyList<byte> Kind,
    IReadOnlyList<double> Longitude,
    IReadOnlyList<double> Latitude,
    IReadOnlyList<string> Cell,
    IReadOnlyList<byte> State);

/// <summary>
/// Every device of the city on one map: places from the registry shards (read again every
/// <see cref="PlacesFor"/>), states from the grid cells that hold devices (read again every
/// <see cref="StatesFor"/>). A device a cell holds that the last read of the shards did not (provisioned
/// over HTTP, or registered since, like a GB/T 28181 channel its recorder's catalog named) is placed from its twin, once.
/// One process asks the grains at most that often however many screens look; the hub's deltas keep each screen current in between.
/// </summary>
public sealed class DeviceAtlas(IGrainFactory grains, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan PlacesFor = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan StatesFor = TimeSpan.FromSeconds(10);

    private const int Parallelism = 32;

    private static readonly string[] KindNames = [.. Enum.GetValues<DeviceKind>().Select(k => CityJsonName(k))];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, DevicePlace[] Places)? _places;
    private (DateTimeOffset At, Dictionary<string, MarkState> States)? _states;
    private readonly Dictionary<string, DevicePlace> _unregistered = new(StringComparer.Ordinal);
    private DevicePlace[] _all = [];

    /// <summary>The devices whose cell <paramref name="shows"/> accepts.</summary>
    public async Task<DeviceMarks> ReadAsync(Func<string, bool> shows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shows);
        var (places, states, at) = await CurrentAsync(cancellationToken);
        var chosen = places.Where(p => shows(p.CellCode)).ToList();
        return new DeviceMarks(
            at,
            KindNames,
            [.. chosen.Select(p => p.Id)],
            [.. chosen.Select(p => (byte)p.Kind)],
            [.. chosen.Select(p => p.Longitude)],
            [.. chosen.Select(p => p.Latitude)],
            [.. chosen.Select(p => p.CellCode)],
            [.. chosen.Select(p => (byte)states.GetValueOrDefault(p.Id, MarkState.Offline))]);
    }

    /// <summary>Offline until heard from, as the cell counts a registered device; otherwise its worst active alarm.</summary>
    public static MarkState StateOf(DeviceCellStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.ActiveAlarms.Length > 0
            ? status.ActiveAlarms.Max() switch
            {
                AlarmSeverity.Critical => MarkState.Critical,
                AlarmSeverity.Major => MarkState.Major,
                _ => MarkState.Minor,
            }
            : status.Online ? MarkState.Normal : MarkState.Offline;
    }

    private async Task<(DevicePlace[], Dictionary<string, MarkState>, DateTimeOffset)> CurrentAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            if (_places is not { } places || now - places.At > PlacesFor)
            {
                var shards = new DevicePlace[DeviceRegistry.Shards][];
                await Parallel.ForEachAsync(Enumerable.Range(0, DeviceRegistry.Shards), Options(cancellationToken), async (shard, _) =>
                    shards[shard] = await grains.GetGrain<IDeviceRegistryGrain>(shard).GetPlaces());
                places = (now, [.. shards.SelectMany(s => s)]);
                _places = places;
                _states = null;
            }

            if (_states is not { } states || now - states.At > StatesFor)
            {
                var read = new System.Collections.Concurrent.ConcurrentDictionary<string, DeviceCellStatus>(StringComparer.Ordinal);
                var cells = places.Places.Select(p => p.CellCode).Concat(_unregistered.Values.Select(p => p.CellCode)).Distinct(StringComparer.Ordinal);
                await Parallel.ForEachAsync(cells, Options(cancellationToken), async (cell, _) =>
                {
                    foreach (var status in await grains.GetGrain<IGridCellGrain>(cell).GetDevices())
                    {
                        read[status.DeviceId] = status;
                    }
                });
                states = (now, read.ToDictionary(r => r.Key, r => StateOf(r.Value), StringComparer.Ordinal));
                _states = states;
                await PlaceUnregisteredAsync(places.Places, read.Values, cancellationToken);
                _all = [.. places.Places.Concat(_unregistered.Values.Where(p => read.ContainsKey(p.Id))).OrderBy(p => p.Id, StringComparer.Ordinal)];
            }

            return (_all, states.States, states.At);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Reads from their twins the places of the devices the cells hold that no shard registered and that are not placed yet.</summary>
    private async Task PlaceUnregisteredAsync(DevicePlace[] registered, IEnumerable<DeviceCellStatus> held, CancellationToken cancellationToken)
    {
        var known = registered.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);

        // Placed from the shards now: the shard's place stands.
        foreach (var id in _unregistered.Keys.Where(known.Contains).ToList())
        {
            _unregistered.Remove(id);
        }

        var missing = held.Where(s => !known.Contains(s.DeviceId) && !_unregistered.ContainsKey(s.DeviceId)).ToList();
        var found = new System.Collections.Concurrent.ConcurrentBag<DevicePlace>();
        await Parallel.ForEachAsync(missing, Options(cancellationToken), async (status, _) =>
        {
            if (await DeviceTwins.Get(grains, status.Kind, status.DeviceId).GetSnapshot() is { } twin)
            {
                found.Add(new DevicePlace(twin.Id, twin.Kind, twin.Longitude, twin.Latitude, twin.CellCode));
            }
        });
        foreach (var place in found)
        {
            _unregistered[place.Id] = place;
        }
    }

    private static ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };

    private static string CityJsonName(DeviceKind kind)
    {
        var name = kind.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
