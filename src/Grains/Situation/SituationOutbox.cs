using System.Collections.Concurrent;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Situation;

/// <summary>The one rule by which changes of a device are coalesced, in the outbox and in the feed.</summary>
public static class SituationCoalescing
{
    /// <summary>
    /// The later state wins, but a raise or clear coalesced with a later plain reading must still reach
    /// the views that show only alarmed devices.
    /// </summary>
    public static DeviceSituation Latest(DeviceSituation? earlier, DeviceSituation later) =>
        earlier is { AlarmsChanged: true } && !later.AlarmsChanged ? later with { AlarmsChanged = true } : later;
}

/// <summary>
/// Each silo's outbox for the situation feeds: twins hand it their changes in memory, at no cost of a
/// message, and every <see cref="FlushInterval"/> it sends each district's coalesced changes to that
/// district's <see cref="ISituationFeedGrain"/> in one one-way call. A burst of readings thus costs a
/// feed a few calls a second per silo instead of one per reading. Nothing here is stored: a change
/// lost with the process is a frame the screens miss, and their next snapshot reads the grains.
/// </summary>
public sealed partial class SituationOutbox(IGrainFactory grains, IServiceProvider services, ILogger<SituationOutbox> logger) : IDisposable
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Bounds the raised alarms held per district between two flushes; the oldest are dropped first.</summary>
    private const int MaxRaised = SituationFeedGrain.MaxRaised;

    private readonly ConcurrentDictionary<string, District> _districts = new(StringComparer.Ordinal);
    private readonly Lock _timerLock = new();
    private Timer? _timer;
    private int _flushing;
    private bool _disposed;

    /// <summary>Takes a twin's change; <paramref name="raised"/> are the alarms it raised with it (null when none).</summary>
    public void DeviceChanged(DeviceSituation device, List<RaisedAlarm>? raised)
    {
        ArgumentNullException.ThrowIfNull(device);
        var district = _districts.GetOrAdd(GridCodes.DistrictOf(device.CellCode), _ => new District());
        lock (district.Gate)
        {
            district.Devices[device.Id] = SituationCoalescing.Latest(district.Devices.GetValueOrDefault(device.Id), device);
            if (raised is not null)
            {
                foreach (var alarm in raised)
                {
                    district.Raised.Enqueue(alarm);
                    if (district.Raised.Count > MaxRaised)
                    {
                        district.Raised.Dequeue();
                    }
                }
            }
        }

        EnsureTimer();
    }

    public void Dispose()
    {
        lock (_timerLock)
        {
            Volatile.Write(ref _disposed, true);
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void EnsureTimer()
    {
        if (_timer is not null)
        {
            return;
        }

        lock (_timerLock)
        {
            if (_timer is null && !_disposed)
            {
                _timer = new Timer(_ => Flush(), null, FlushInterval, FlushInterval);
            }
        }
    }

    private void Flush()
    {
        // Feeds cannot be placed on a stopping silo, and the screens' next snapshot reads the grains anyway. A timer's
        // callback may still run once the outbox is disposed, as the engine's services are.
        if (Volatile.Read(ref _disposed) || EngineStopping.Began(services))
        {
            return;
        }

        // A flush that overruns the interval is not overtaken by the next one.
        if (Interlocked.Exchange(ref _flushing, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var (code, district) in _districts)
            {
                DeviceSituation[] devices;
                RaisedAlarm[] raised;
                lock (district.Gate)
                {
                    if (district.Devices.Count == 0 && district.Raised.Count == 0)
                    {
                        continue;
                    }

                    devices = [.. district.Devices.Values];
                    raised = [.. district.Raised];
                    district.Devices.Clear();
                    district.Raised.Clear();
                }

                try
                {
                    _ = grains.GetGrain<ISituationFeedGrain>(code).DevicesChanged(devices, raised);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogSendFailed(ex, code);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _flushing, 0);
        }
    }

    private sealed class District
    {
        public Lock Gate { get; } = new();

        public Dictionary<string, DeviceSituation> Devices { get; } = new(StringComparer.Ordinal);

        public Queue<RaisedAlarm> Raised { get; } = new();
    }

    [LoggerMessage(LogLevel.Warning, "Sending district {District}'s device changes to its situation feed failed")]
    private partial void LogSendFailed(Exception exception, string district);
}
