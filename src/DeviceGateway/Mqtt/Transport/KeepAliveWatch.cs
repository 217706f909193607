using System.Collections.Concurrent;

namespace CityOps.DeviceGateway.Mqtt.Transport;

/// <summary>
/// Closes the connections that stay silent for one and a half times their keep-alive (MQTT 3.1.2.10), one sweep
/// for all of them. The engine reads a device's messages itself (<see cref="GuardedChannelAdapter"/>), so MQTTnet's
/// own keep-alive monitor, which sees only the packets it is handed, does not watch these connections.
/// </summary>
public sealed class KeepAliveWatch : IDisposable
{
    /// <summary>As often as MQTTnet's own monitor looks.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<GuardedChannelAdapter, byte> _watched = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _sweeping;

    /// <summary>Connections being watched.</summary>
    public int Count => _watched.Count;

    public void Start() => _sweeping ??= Task.Run(SweepAsync);

    public void Watch(GuardedChannelAdapter connection) => _watched.TryAdd(connection, 0);

    public void Forget(GuardedChannelAdapter connection) => _watched.TryRemove(connection, out _);

    /// <summary>Closes every watched connection silent for too long at <paramref name="nowMs"/> (<see cref="Environment.TickCount64"/>).</summary>
    public void Sweep(long nowMs)
    {
        // Walked in place: the dictionary's Keys would copy 10,000 connections out twice a second.
        foreach (var (connection, _) in _watched)
        {
            if (connection.IsSilentTooLong(nowMs))
            {
                Forget(connection);
                connection.Abort();
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task SweepAsync()
    {
        using var timer = new PeriodicTimer(SweepInterval);
        var stopping = _stopping.Token;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                Sweep(Environment.TickCount64);
            }
        }
        catch (OperationCanceledException)
        {
            // The broker stopped.
        }
    }
}
