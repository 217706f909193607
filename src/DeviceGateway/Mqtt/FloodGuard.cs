namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// A token bucket per device (kept by <see cref="FloodRegistry"/>), sized from the device's expected reporting interval: bursts and
/// a generous multiple of the normal rate pass; a device flooding far beyond it is throttled
/// without slowing anyone else.
/// </summary>
/// <remarks>
/// A value of 16 bytes, kept in its registry's table rather than as an object of its own: a million devices' buckets
/// cost about 50 MB instead of 100 MB. The registry holds its table's lock while it calls <see cref="TryPass"/>.
/// Single precision is ample for a bucket of at most <see cref="Burst"/> tokens.
/// </remarks>
public struct FloodGuard
{
    /// <summary>How many messages a device may send at once (reconnect backlog, a burst of alarms).</summary>
    public const int Burst = 20;

    /// <summary>Sustained messages per expected interval before throttling starts.</summary>
    public const double Allowance = 20;

    private readonly float _perSecond;
    private float _tokens;
    private long _lastTicks;

    public FloodGuard(int expectedIntervalSeconds, DateTimeOffset now)
    {
        _perSecond = (float)Math.Max(1, Allowance / Math.Max(1, expectedIntervalSeconds));
        _tokens = Burst;
        _lastTicks = now.UtcTicks;
    }

    public bool TryPass(DateTimeOffset now)
    {
        _tokens = TokensAt(now);
        _lastTicks = Math.Max(_lastTicks, now.UtcTicks);
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }

    /// <summary>Whether the bucket has refilled by <paramref name="now"/>, so that forgetting it changes nothing.</summary>
    public readonly bool IsFull(DateTimeOffset now) => TokensAt(now) >= Burst;

    private readonly float TokensAt(DateTimeOffset now)
    {
        var elapsed = TimeSpan.FromTicks(Math.Max(0, now.UtcTicks - _lastTicks)).TotalSeconds;
        return (float)Math.Min(Burst, _tokens + (elapsed * _perSecond));
    }
}
