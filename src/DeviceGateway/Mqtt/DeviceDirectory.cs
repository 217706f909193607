using System.Collections.Concurrent;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// Finds a device's twin and grid cell for the paths on which the gateway does not authenticate the
/// device itself: the bridge from an external broker and aggregators' batches. A device's kind and cell
/// change only when it is provisioned again, so both are cached; the cache is bounded, and an unknown
/// id is remembered only briefly, so that a device provisioned a moment later is accepted.
/// </summary>
public sealed class DeviceDirectory(IGrainFactory grains, TimeProvider clock)
{
    /// <summary>About 100 bytes an entry: a city of a million devices fits in a few hundred megabytes at most.</summary>
    public const int Capacity = 1_000_000;

    private static readonly TimeSpan UnknownFor = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Kept beside the dictionary because its own Count takes every lock.</summary>
    private int _count;

    /// <summary>The device's twin, or null when no device with this id was ever registered.</summary>
    public async ValueTask<IDeviceTwinGrain?> FindTwinAsync(string deviceId)
    {
        if (_entries.TryGetValue(deviceId, out var entry) && (entry.Twin is not null || clock.GetUtcNow() < entry.UnknownUntil))
        {
            return entry.Twin;
        }

        var kind = await grains.GetGrain<IDeviceAccountGrain>(deviceId).GetKind();
        entry = kind is { } known
            ? new Entry(DeviceTwins.Get(grains, known, deviceId), null, default)
            : new Entry(null, null, clock.GetUtcNow() + UnknownFor);
        Remember(deviceId, entry);
        return entry.Twin;
    }

    /// <summary>The code of the grid cell the device stands in, or null for an unknown or never provisioned device.</summary>
    public async ValueTask<string?> FindCellAsync(string deviceId)
    {
        if (_entries.TryGetValue(deviceId, out var entry) && entry.CellCode is not null)
        {
            return entry.CellCode;
        }

        if (await FindTwinAsync(deviceId) is not { } twin || await twin.GetSnapshot() is not { } snapshot)
        {
            return null;
        }

        Remember(deviceId, new Entry(twin, snapshot.CellCode, default));
        return snapshot.CellCode;
    }

    private void Remember(string deviceId, Entry entry)
    {
        // Starting afresh when full is crude, but cheap and safe: the working set refills from the grains.
        if (Volatile.Read(ref _count) >= Capacity)
        {
            _entries.Clear();
            Volatile.Write(ref _count, 0);
        }

        if (_entries.TryAdd(deviceId, entry))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            _entries[deviceId] = entry;
        }
    }

    private sealed record Entry(IDeviceTwinGrain? Twin, string? CellCode, DateTimeOffset UnknownUntil);
}
