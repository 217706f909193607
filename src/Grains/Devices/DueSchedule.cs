using System.Collections.Concurrent;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Devices;

/// <summary>What a twin is due to be asked by its silo's sweep (<see cref="TwinSweep"/>).</summary>
public enum TwinCall
{
    /// <summary>To check its device's silence (<see cref="SilenceWatch"/>).</summary>
    CheckSilence = 0,

    /// <summary>To write the readings waiting in its memory (<see cref="PendingWrites"/>).</summary>
    WritePending = 1,
}

/// <summary>A twin due for a call.</summary>
public readonly record struct DueTwin(string DeviceId, DeviceKind Kind, TwinCall Call);

/// <summary>
/// When each device's twin is due for each call: one entry per device, whatever it is due for (a million online devices,
/// each watched for silence and most with readings to write, are a million entries, not two), in a queue ordered by the
/// moment the entry was queued for. A twin moves a due moment with every message (a memory write, no re-queueing unless
/// the moment comes before the one queued). <see cref="TakeDue"/> hands out the calls whose moment has passed and queues
/// the entry again for its next one. Safe for use from many threads: the queue and the adding and removing of entries
/// are under one lock, while moving a moment is not.
/// </summary>
public sealed class DueSchedule
{
    private const int Calls = 2;

    private readonly ConcurrentDictionary<string, Watched> _watched = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Watched, long> _queue = new();
    private readonly Lock _gate = new();
    private readonly int[] _counts = new int[Calls];

    /// <summary>Devices due for <paramref name="call"/>.</summary>
    public int Count(TwinCall call) => Volatile.Read(ref _counts[(int)call]);

    /// <summary>The device's twin is due for <paramref name="call"/> at <paramref name="due"/>; replaces any earlier moment for that call.</summary>
    public void Expect(string deviceId, DeviceKind kind, TwinCall call, DateTimeOffset due)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        var ticks = Math.Max(1, due.UtcTicks);
        if (_watched.TryGetValue(deviceId, out var watched))
        {
            Move(watched, call, ticks);

            // The write above and the sweep's removal each fence before reading the other's side: either the sweep saw
            // this moment and kept the entry, or this sees the entry removed and adds it again below.
            var queuedAt = Volatile.Read(ref watched.QueuedAt);
            if (!Volatile.Read(ref watched.Removed) && queuedAt != 0 && queuedAt <= ticks)
            {
                return;
            }
        }

        lock (_gate)
        {
            if (watched is { Removed: true })
            {
                // The sweep took this entry out while the moment was set on it above: the moment moves to the entry
                // that replaces it, so the entry that left counts for nothing.
                Move(watched, call, 0);
            }

            // Under the lock the table holds no entry that has left (the sweep marks and removes it in one go).
            if (!_watched.TryGetValue(deviceId, out watched))
            {
                watched = new Watched(deviceId, kind);
                _watched[deviceId] = watched;
            }

            Move(watched, call, ticks);
            if (watched.QueuedAt == 0 || watched.QueuedAt > ticks)
            {
                _queue.Enqueue(watched, ticks);
                Volatile.Write(ref watched.QueuedAt, ticks);
            }
        }
    }

    /// <summary>The twin is no longer due for <paramref name="call"/> (its device went offline, or it wrote).</summary>
    public void Forget(string deviceId, TwinCall call)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        if (_watched.TryGetValue(deviceId, out var watched))
        {
            // The entry leaves when its queued moment comes with nothing due.
            Move(watched, call, 0);
        }
    }

    /// <summary>Hands out, once each, the calls whose moment has passed by <paramref name="now"/>.</summary>
    public IReadOnlyList<DueTwin> TakeDue(DateTimeOffset now)
    {
        var nowTicks = now.UtcTicks;
        List<DueTwin>? due = null;
        lock (_gate)
        {
            while (_queue.TryPeek(out var watched, out var at) && at <= nowTicks)
            {
                _queue.Dequeue();
                if (watched.Removed || watched.QueuedAt != at)
                {
                    // Removed, or queued again for an earlier moment that was handed out already.
                    continue;
                }

                // Fenced, like a twin's move before it reads QueuedAt: either the twin sees the entry unqueued and
                // queues it under the lock, or this sees the twin's moment below.
                Interlocked.Exchange(ref watched.QueuedAt, 0);
                var next = NextAfterTaking(watched, nowTicks, ref due);
                if (next == 0)
                {
                    watched.Removed = true;
                    Interlocked.MemoryBarrier();

                    // A moment set meanwhile keeps the entry; it is taken at the next sweep, not twice in this one.
                    next = Earliest(watched);
                    if (next == 0)
                    {
                        _watched.TryRemove(new KeyValuePair<string, Watched>(watched.DeviceId, watched));
                        continue;
                    }

                    watched.Removed = false;
                }

                // A moment moved to one already past while this sweep took the entry is the next sweep's: each entry
                // is handed out once per sweep.
                next = Math.Max(next, nowTicks + 1);
                _queue.Enqueue(watched, next);
                Volatile.Write(ref watched.QueuedAt, next);
            }
        }

        return due ?? [];
    }

    /// <summary>Takes the entry's calls due by <paramref name="nowTicks"/>; the earliest moment still ahead, or 0 when none is.</summary>
    private long NextAfterTaking(Watched watched, long nowTicks, ref List<DueTwin>? due)
    {
        var next = long.MaxValue;
        for (var call = 0; call < Calls; call++)
        {
            ref var moment = ref watched.Due((TwinCall)call);
            var at = Volatile.Read(ref moment);
            if (at != 0 && at <= nowTicks && Interlocked.CompareExchange(ref moment, 0, at) == at)
            {
                Interlocked.Decrement(ref _counts[call]);
                (due ??= []).Add(new DueTwin(watched.DeviceId, watched.Kind, (TwinCall)call));
                continue;
            }

            // A moment moved meanwhile is read again.
            at = Volatile.Read(ref moment);
            if (at != 0)
            {
                next = Math.Min(next, at);
            }
        }

        return next == long.MaxValue ? 0 : next;
    }

    /// <summary>The entry's earliest moment, or 0 when it is due for nothing.</summary>
    private static long Earliest(Watched watched)
    {
        var next = long.MaxValue;
        for (var call = 0; call < Calls; call++)
        {
            var at = Volatile.Read(ref watched.Due((TwinCall)call));
            if (at != 0)
            {
                next = Math.Min(next, at);
            }
        }

        return next == long.MaxValue ? 0 : next;
    }

    /// <summary>Sets the entry's moment for <paramref name="call"/> (0: not due), keeping the counts.</summary>
    private void Move(Watched watched, TwinCall call, long ticks)
    {
        var previous = Interlocked.Exchange(ref watched.Due(call), ticks);
        if ((previous == 0) != (ticks == 0))
        {
            Interlocked.Add(ref _counts[(int)call], ticks == 0 ? -1 : 1);
        }
    }

    private sealed class Watched(string deviceId, DeviceKind kind)
    {
        public string DeviceId { get; } = deviceId;

        public DeviceKind Kind { get; } = kind;

        /// <summary>When the twin is due for each call, in UTC ticks (0: not due); written by its twin, read by the sweep.</summary>
        public long CheckSilenceAt, WritePendingAt;

        /// <summary>The moment the entry is queued for (0: not queued); changed only under the schedule's lock.</summary>
        public long QueuedAt;

        /// <summary>Set, under the lock, when the entry leaves the schedule; a twin then adds a new one.</summary>
        public bool Removed;

        public ref long Due(TwinCall call) => ref call == TwinCall.CheckSilence ? ref CheckSilenceAt : ref WritePendingAt;
    }
}
