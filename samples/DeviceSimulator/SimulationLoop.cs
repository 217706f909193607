using System.Collections.Concurrent;

namespace CityOps.Samples.DeviceSimulator;

/// <summary>
/// One timer drives every device: each tick it starts the steps that are due, in due-time order from a priority
/// queue, at most <c>parallelism</c> at a time. Thousands of devices cost one timer, not thousands of delay loops.
/// The queue belongs to the loop alone; steps and connection drops report back through concurrent queues.
/// </summary>
internal sealed class SimulationLoop : IDisposable
{
    private readonly SemaphoreSlim _gate;
    private readonly PriorityQueue<(SimulatedDevice Device, int Version), DateTimeOffset> _due = new();
    private readonly Dictionary<SimulatedDevice, DeviceSlot> _slots = [];
    private readonly ConcurrentQueue<SimulatedDevice> _finished = new();
    private readonly ConcurrentQueue<SimulatedDevice> _lost = new();

    /// <summary>The loop's bookkeeping of a device: queue entries of older versions are stale and skipped.</summary>
    private sealed class DeviceSlot
    {
        public int Version;
        public bool Running;
        public bool LostWhileRunning;
        public Task Step = Task.CompletedTask;
    }

    public SimulationLoop(int parallelism) => _gate = new SemaphoreSlim(Math.Max(1, parallelism));

    /// <summary>Called from MQTTnet's threads when the broker drops a device.</summary>
    public void OnConnectionLost(SimulatedDevice device) => _lost.Enqueue(device);

    /// <summary>Connects every device straight away, then keeps stepping them until cancelled.</summary>
    public async Task RunAsync(IReadOnlyList<SimulatedDevice> devices, CancellationToken cancellationToken)
    {
        var start = DateTimeOffset.UtcNow;
        foreach (var device in devices)
        {
            _slots[device] = new DeviceSlot();
            _due.Enqueue((device, 0), start);
        }

        using var timer = new PeriodicTimer(TickPeriod(devices));
        do
        {
            var now = DateTimeOffset.UtcNow;
            while (_finished.TryDequeue(out var device))
            {
                var slot = _slots[device];
                slot.Running = false;
                if (slot.LostWhileRunning)
                {
                    slot.LostWhileRunning = false;
                    device.ConnectionDropped(now);
                }

                Enqueue(device, slot);
            }

            while (_lost.TryDequeue(out var device))
            {
                var slot = _slots[device];
                if (slot.Running)
                {
                    slot.LostWhileRunning = true;
                }
                else
                {
                    device.ConnectionDropped(now);
                    Enqueue(device, slot);
                }
            }

            while (_due.TryPeek(out var entry, out var dueAt) && dueAt <= now)
            {
                _due.Dequeue();
                var slot = _slots[entry.Device];
                if (entry.Version == slot.Version && !slot.Running)
                {
                    slot.Running = true;
                    slot.Step = StepAsync(entry.Device, cancellationToken);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>Waits for the steps still running (they end quickly once cancelled).</summary>
    public Task DrainAsync() => Task.WhenAll(_slots.Values.Select(s => s.Step));

    public void Dispose() => _gate.Dispose();

    private void Enqueue(SimulatedDevice device, DeviceSlot slot)
    {
        slot.Version++;
        _due.Enqueue((device, slot.Version), device.NextDue);
    }

    private async Task StepAsync(SimulatedDevice device, CancellationToken cancellationToken)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                await device.StepAsync(cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        _finished.Enqueue(device);
    }

    /// <summary>A quarter of the shortest reporting interval, between 20 ms and 1 s: fine enough to keep every device on time.</summary>
    private static TimeSpan TickPeriod(IReadOnlyList<SimulatedDevice> devices)
    {
        var shortest = devices.Min(d => d.Interval) / 4;
        return TimeSpan.FromTicks(Math.Clamp(shortest.Ticks, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));
    }
}
