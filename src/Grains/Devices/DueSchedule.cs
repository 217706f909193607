using System.Collections.Concurrent;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Devices;

/// <summary>
/// When each watched device's twin is due to be called on (to be heard from, for the silence watch; to write,
/// for the pending writes): a queue ordered by the moment a device was last queued for, and the latest due
/// moment per device, which its twin may move with every message (a memory write, no re-queueing).
/// <see cref="TakeDue"/> hands out the devices whose due moment has passed and queues again those whose
/// moment moved later meanwhile. Safe for use from many threads.
/// </summary>
public sealed class DueSchedule
{
    private readonly ConcurrentDictionary<string, Watched> _watched = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Watched, long> _queue = new();
    private readonly Lock _gate = new();

    /// <summary>Devices being watched.</summary>
    public int Count => _watched.Count;

    /// <summary>The device is due to be heard from by <paramref name="due"/>; replaces any earlier expectation.</summary>
    public void Expect(string deviceId, DeviceKind kind, DateTimeOffset due)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        var watched = _watched.GetOrAdd(deviceId, static (id, kind) => new Watched(id, kind), kind);
        Volatile.Write(ref watched.DueTicks, due.UtcTicks);
        if (Volatile.Read(ref watched.Queued))
        {
            return;
        }

        lock (_gate)
        {
            if (!watched.Queued)
            {
                _queue.Enqueue(watched, due.UtcTicks);
                watched.Queued = true;
            }
        }
    }

    /// <summary>Nothing is expected of the device any more (it went offline, or is gone).</summary>
    public void Forget(string deviceId) => _watched.TryRemove(deviceId, out _);

    /// <summary>Removes and returns the devices due by <paramref name="now"/> and not heard from since.</summary>
    public IReadOnlyList<(string DeviceId, DeviceKind Kind)> TakeDue(DateTimeOffset now)
    {
        var nowTicks = now.UtcTicks;
        List<(string, DeviceKind)>? due = null;
        lock (_gate)
        {
            while (_queue.TryPeek(out var watched, out var at) && at <= nowTicks)
            {
                _queue.Dequeue();
                watched.Queued = false;
                if (!_watched.TryGetValue(watched.DeviceId, out var current) || !ReferenceEquals(current, watched))
                {
                    continue;
                }

                var dueTicks = Volatile.Read(ref watched.DueTicks);
                if (dueTicks > nowTicks)
                {
                    _queue.Enqueue(watched, dueTicks);
                    watched.Queued = true;
                }
                else if (_watched.TryRemove(new KeyValuePair<string, Watched>(watched.DeviceId, watched)))
                {
                    (due ??= []).Add((watched.DeviceId, watched.Kind));
                }
            }
        }

        return due ?? [];
    }

    private sealed class Watched(string deviceId, DeviceKind kind)
    {
        public string DeviceId { get; } = deviceId;

        public DeviceKind Kind { get; } = kind;

        /// <summary>When the device is due, in UTC ticks; written by its twin, read by the sweep.</summary>
        public long DueTicks;

        /// <summary>Whether the device is in the queue; changed only under the schedule's lock.</summary>
        public bool Queued;
    }
}
