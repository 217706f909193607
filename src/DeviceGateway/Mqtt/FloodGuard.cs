namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// A token bucket per device (kept by <see cref="FloodRegistry"/>), sized from the device's expected reporting interval: bursts and
/// a generous multiple of the normal rate pass; a device flooding far beyond it is throttled
/// without slowing anyone else.
/// </summary>
/// <remarks>
/// A guard locks itself: the lock lives in the object's header until contended, where a lock object of its own would be
/// 40 bytes a device. The guard is never handed out of <see cref="FloodRegistry"/>, so no one else locks it.
/// </remarks>
public sealed class FloodGuard
{
    /// <summary>How many messages a device may send at once (reconnect backlog, a burst of alarms).</summary>
    public const int Burst = 20;

    /// <summary>Sustained messages per expected interval before throttling starts.</summary>
    public const double Allowance = 20;

    private readonly double _perSecond;
    private double _tokens = Burst;
    private long _lastTicks;

    public FloodGuard(int expectedIntervalSeconds, DateTimeOffset now)
    {
        _perSecond = Math.Max(1, Allowance / Math.Max(1, expectedIntervalSeconds));
        _lastTicks = now.UtcTicks;
    }

    public bool TryPass(DateTimeOffset now)
    {
        lock (this)
        {
            var elapsed = TimeSpan.FromTicks(Math.Max(0, now.UtcTicks - _lastTicks)).TotalSeconds;
            _lastTicks = now.UtcTicks;
            _tokens = Math.Min(Burst, _tokens + (elapsed * _perSecond));
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    /// <summary>Whether the bucket has refilled by <paramref name="now"/>, so that forgetting it changes nothing.</summary>
    public bool IsFull(DateTimeOffset now)
    {
        lock (this)
        {
            var elapsed = TimeSpan.FromTicks(Math.Max(0, now.UtcTicks - _lastTicks)).TotalSeconds;
            return _tokens + (elapsed * _perSecond) >= Burst;
        }
    }
}
