using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Devices;

/// <summary>
/// One sweep a second over the <see cref="DueSchedule"/> of this silo's twins, making each call whose moment has passed
/// (one-way: a sweep never waits on a twin), instead of a timer or reminder in every twin: <see cref="SilenceWatch"/>
/// and <see cref="PendingWrites"/> enter their calls here, one entry a device for both. The twin decides from its own
/// state what the call means. Twins cannot be placed on a stopping silo, so the sweep stops with it.
/// </summary>
public sealed partial class TwinSweep(IGrainFactory grains, TimeProvider clock, IServiceProvider services, ILogger<TwinSweep> logger) : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly DueSchedule _schedule = new();
    private readonly Lock _timerGate = new();
    private ITimer? _timer;
    private int _sweeping;
    private bool _disposed;

    /// <summary>Devices whose twins are due for <paramref name="call"/>.</summary>
    public int Count(TwinCall call) => _schedule.Count(call);

    /// <summary>The device's twin is no longer due for <paramref name="call"/>.</summary>
    public void Forget(string deviceId, TwinCall call) => _schedule.Forget(deviceId, call);

    public void Dispose()
    {
        lock (_timerGate)
        {
            Volatile.Write(ref _disposed, true);
            _timer?.Dispose();
            _timer = null;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Makes <paramref name="call"/> to the device's twin once <paramref name="due"/> has passed; a new moment replaces the one before.</summary>
    public void CallAt(string deviceId, DeviceKind kind, TwinCall call, DateTimeOffset due)
    {
        _schedule.Expect(deviceId, kind, call, due);
        EnsureTimer();
    }

    private static Task Call(IDeviceTwinGrain twin, TwinCall call) => call switch
    {
        TwinCall.CheckSilence => twin.CheckSilence(),
        TwinCall.WritePending => twin.WritePending(),
        _ => throw new ArgumentOutOfRangeException(nameof(call), call, null),
    };

    private void Sweep()
    {
        // A timer's callback may still run once the sweep is disposed, as the engine's services are.
        if (Volatile.Read(ref _disposed) || EngineStopping.Began(services) || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var (deviceId, kind, call) in _schedule.TakeDue(clock.GetUtcNow()))
            {
                try
                {
                    _ = Call(DeviceTwins.Get(grains, kind, deviceId), call);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogCallFailed(ex, call, deviceId);
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

    [LoggerMessage(LogLevel.Warning, "Twin sweep: {Call} on the twin of '{DeviceId}' failed")]
    private partial void LogCallFailed(Exception exception, TwinCall call, string deviceId);
}
