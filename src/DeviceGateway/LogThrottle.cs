using System.Collections.Concurrent;

namespace CityOps.DeviceGateway;

/// <summary>
/// Lets at most a few log lines per key through each minute, so that a flood of bad messages
/// cannot flood the log as well; the counters still see every one.
/// </summary>
public sealed class LogThrottle(TimeProvider clock, int perMinute = 10)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new();

    public bool ShouldLog(string key)
    {
        var now = clock.GetUtcNow();
        var window = _windows.AddOrUpdate(
            key,
            _ => new Window(now, 1),
            (_, w) => now - w.Start >= TimeSpan.FromMinutes(1) ? new Window(now, 1) : w with { Count = w.Count + 1 });
        return window.Count <= perMinute;
    }

    private sealed record Window(DateTimeOffset Start, int Count);
}
