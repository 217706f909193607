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
/// <see cref="StatesFor"/>). One process asks the grains at most that often however many screens
/// look; the hub's deltas keep each screen current in between. A device that appears in a cell without a place read
/// (registered since) makes the next request read the places again.
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

    /// <summary>Devices the cells listed that the last read of places did not hold (revoked ones stay here): they trigger no new read.</summary>
    private HashSet<string> _unplaced = new(StringComparer.Ordinal);

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
                places = (now, [.. shards.SelectMany(s => s).OrderBy(p => p.Id, StringComparer.Ordinal)]);
                _places = places;
                _states = null;
            }

            if (_states is not { } states || now - states.At > StatesFor)
            {
                var read = new System.Collections.Concurrent.ConcurrentDictionary<string, MarkState>(StringComparer.Ordinal);
                var cells = places.Places.Select(p => p.CellCode).Distinct(StringComparer.Ordinal);
                await Parallel.ForEachAsync(cells, Options(cancellationToken), async (cell, _) =>
                {
                    foreach (var status in await grains.GetGrain<IGridCellGrain>(cell).GetDevices())
                    {
                        read[status.DeviceId] = StateOf(status);
                    }
                });
                states = (now, new Dictionary<string, MarkState>(read, StringComparer.Ordinal));
                _states = states;

                // A device registered since the places were read (a GB/T 28181 channel from its recorder's catalog) shows
                // up in its cell first: the places are read again at the next request rather than PlacesFor later.
                var placed = places.Places.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
                var unplaced = read.Keys.Where(id => !placed.Contains(id)).ToHashSet(StringComparer.Ordinal);
                if (unplaced.Any(id => !_unplaced.Contains(id)))
                {
                    _places = null;
                }

                _unplaced = unplaced;
            }

            return (places.Places, states.States, states.At);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };

    private static string CityJsonName(DeviceKind kind)
    {
        var name = kind.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
