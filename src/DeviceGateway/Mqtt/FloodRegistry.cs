using System.Runtime.InteropServices;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// One <see cref="FloodGuard"/> per device, whichever way its messages arrive: its own connections (however many, with
/// client ids <c>{deviceId}-…</c>), an aggregator's batches and the bridge from an external broker all draw on the same
/// budget. Buckets that have refilled are worth nothing and are dropped when the table grows large.
/// </summary>
/// <remarks>
/// The buckets are values in tables split by the device id's hash, each under its own lock: a device's entry is about 40
/// bytes where a concurrent dictionary's node and a bucket object of its own were about 100, and a message holds one
/// table's lock only while its bucket is counted.
/// </remarks>
public sealed class FloodRegistry(TimeProvider clock)
{
    /// <summary>About 40 bytes a device: a million devices sending at once cost about 40 MB.</summary>
    public const int Capacity = 1_000_000;

    private const int TableCount = 64;

    private readonly Table[] _tables = [.. Enumerable.Range(0, TableCount).Select(_ => new Table())];
    private int _count;
    private int _sweeping;

    /// <summary>Whether the device may send one more message now; <paramref name="expectedIntervalSeconds"/> sizes a new budget.</summary>
    public bool TryPass(string deviceId, int expectedIntervalSeconds)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        var now = clock.GetUtcNow();
        if (Volatile.Read(ref _count) >= Capacity)
        {
            Sweep(now);
        }

        var table = _tables[(int)((uint)StringComparer.Ordinal.GetHashCode(deviceId) % TableCount)];
        lock (table.Gate)
        {
            ref var guard = ref CollectionsMarshal.GetValueRefOrAddDefault(table.Guards, deviceId, out var known);
            if (!known)
            {
                guard = new FloodGuard(expectedIntervalSeconds, now);
                Interlocked.Increment(ref _count);
            }

            return guard.TryPass(now);
        }
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
            foreach (var table in _tables)
            {
                lock (table.Gate)
                {
                    foreach (var (deviceId, guard) in table.Guards)
                    {
                        if (guard.IsFull(now) && table.Guards.Remove(deviceId))
                        {
                            Interlocked.Decrement(ref _count);
                        }
                    }
                }
            }

            // Every device is sending hard at once: forgetting is cheap and safe, each starts again from a full bucket.
            if (Volatile.Read(ref _count) >= Capacity)
            {
                foreach (var table in _tables)
                {
                    lock (table.Gate)
                    {
                        Interlocked.Add(ref _count, -table.Guards.Count);
                        table.Guards.Clear();
                    }
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private sealed class Table
    {
        public Lock Gate { get; } = new();

        public Dictionary<string, FloodGuard> Guards { get; } = new(StringComparer.Ordinal);
    }
}
