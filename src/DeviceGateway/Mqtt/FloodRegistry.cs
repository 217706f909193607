using System.Collections.Concurrent;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// One <see cref="FloodGuard"/> per device, whichever way its messages arrive: its own connections (however many, with
/// client ids <c>{deviceId}-…</c>), an aggregator's batches and the bridge from an external broker all draw on the same
/// budget. Buckets that have refilled are worth nothing and are dropped when the table grows large.
/// </summary>
public sealed class FloodRegistry(TimeProvider clock)
{
    /// <summary>About 100 bytes a device: a million devices sending at once cost about 100 MB.</summary>
    public const int Capacity = 1_000_000;

    private readonly ConcurrentDictionary<string, FloodGuard> _guards = new(StringComparer.Ordinal);
    private int _count;
    private int _sweeping;

    /// <summary>Whether the device may send one more message now; <paramref name="expectedIntervalSeconds"/> sizes a new budget.</summary>
    public bool TryPass(string deviceId, int expectedIntervalSeconds)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        var now = clock.GetUtcNow();
        if (!_guards.TryGetValue(deviceId, out var guard))
        {
            guard = Add(deviceId, expectedIntervalSeconds, now);
        }

        return guard.TryPass(now);
    }

    /// <summary>Apart from <see cref="TryPass"/>, which runs for every message: only a device new to the table costs a closure.</summary>
    private FloodGuard Add(string deviceId, int expectedIntervalSeconds, DateTimeOffset now)
    {
        if (Volatile.Read(ref _count) >= Capacity)
        {
            Sweep(now);
        }

        return _guards.GetOrAdd(deviceId, _ =>
        {
            Interlocked.Increment(ref _count);
            return new FloodGuard(expectedIntervalSeconds, now);
        });
    }

    /// <summary>Devices with a budget in the table.</summary>
    public int Count => Volatile.Read(ref _count);

    private void Sweep(DateTimeOffset now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var (deviceId, guard) in _guards)
            {
                if (guard.IsFull(now) && _guards.TryRemove(deviceId, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }

            // Every device is sending hard at once: forgetting is cheap and safe, each starts again from a full bucket.
            if (Volatile.Read(ref _count) >= Capacity)
            {
                _guards.Clear();
                Volatile.Write(ref _count, 0);
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
