using System.Collections.Concurrent;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Devices;

/// <summary>
/// When each watched device is due to be heard from: a queue ordered by the moment a device was last
/// queued for, and the latest due moment per device, which its twin moves with every message (a
/// memory write, no re-queueing). <see cref="TakeDue"/> hands out the devices whose due moment has
/// passed and queues again those that were heard from meanwhile. Safe for use from many threads.
/// </summary>
public sealed class SilenceSchedule
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

/// <summary>
/// Each silo's watch over its online devices' silence: one sweep a second over a
/// <see cref="SilenceSchedule"/>, instead of a reminder and a timer per device. A twin tells the watch,
/// with every message, when its device is due next; the sweep asks a twin to check itself
/// (<see cref="IDeviceTwinGrain.CheckSilence"/>, one-way) only once that moment has passed without
/// news, and the twin decides from its own state. A device stays watched while its twin is
/// deactivated. After a restart <c>PendingWorkRecovery</c> watches every device its grid cell last
/// counted online, so a device that never comes back is still found silent.
/// </summary>
public sealed partial class SilenceWatch(IGrainFactory grains, TimeProvider clock, IServiceProvider services, ILogger<SilenceWatch> logger) : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly SilenceSchedule _schedule = new();
    private readonly Lock _timerGate = new();
    private ITimer? _timer;
    private int _sweeping;
    private bool _disposed;

    /// <summary>Devices being watched.</summary>
    public int Count => _schedule.Count;

    /// <inheritdoc cref="SilenceSchedule.Expect"/>
    public void Expect(string deviceId, DeviceKind kind, DateTimeOffset due)
    {
        _schedule.Expect(deviceId, kind, due);
        EnsureTimer();
    }

    /// <inheritdoc cref="SilenceSchedule.Forget"/>
    public void Forget(string deviceId) => _schedule.Forget(deviceId);

    public void Dispose()
    {
        lock (_timerGate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Sweep()
    {
        // Twins cannot be placed on a stopping silo; the devices stay watched until then.
        if (EngineStopping.Began(services) || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var (deviceId, kind) in _schedule.TakeDue(clock.GetUtcNow()))
            {
                try
                {
                    // The twin watches itself again when its device turns out not to be due yet.
                    _ = DeviceTwins.Get(grains, kind, deviceId).CheckSilence();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogCheckFailed(ex, deviceId);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void EnsureTimer()
    {
        if (_timer is not null)
        {
            return;
        }

        lock (_timerGate)
        {
            if (_timer is null && !_disposed)
            {
                _timer = clock.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Asking the twin of '{DeviceId}' to check its silence failed")]
    private partial void LogCheckFailed(Exception exception, string deviceId);
}
