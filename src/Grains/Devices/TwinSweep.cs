using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Devices;

/// <summary>
/// One sweep a second over a <see cref="DueSchedule"/> of this silo's twins, calling each twin whose moment has
/// passed (one-way: a sweep never waits on a twin), instead of a timer or reminder in every twin. The twin decides
/// from its own state what the call means. Twins cannot be placed on a stopping silo, so the sweep stops with it.
/// </summary>
public abstract partial class TwinSweep(IGrainFactory grains, TimeProvider clock, IServiceProvider services, ILogger logger) : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly DueSchedule _schedule = new();
    private readonly Lock _timerGate = new();
    private ITimer? _timer;
    private int _sweeping;
    private bool _disposed;

    /// <summary>Devices being watched.</summary>
    public int Count => _schedule.Count;

    /// <summary>Nothing is expected of the device's twin any more.</summary>
    public void Forget(string deviceId) => _schedule.Forget(deviceId);

    public void Dispose()
    {
        lock (_timerGate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Calls the device's twin once <paramref name="due"/> has passed; a later moment replaces an earlier one.</summary>
    protected void CallAt(string deviceId, DeviceKind kind, DateTimeOffset due)
    {
        _schedule.Expect(deviceId, kind, due);
        EnsureTimer();
    }

    /// <summary>The one-way call made to a twin whose moment has passed.</summary>
    protected abstract Task Call(IDeviceTwinGrain twin);

    private void Sweep()
    {
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
                    _ = Call(DeviceTwins.Get(grains, kind, deviceId));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogCallFailed(ex, GetType().Name, deviceId);
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

    [LoggerMessage(LogLevel.Warning, "{Sweep}: calling the twin of '{DeviceId}' failed")]
    private partial void LogCallFailed(Exception exception, string sweep, string deviceId);
}
