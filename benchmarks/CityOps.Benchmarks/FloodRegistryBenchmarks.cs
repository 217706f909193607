using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using CityOps.DeviceGateway.Mqtt;

namespace CityOps.Benchmarks;

/// <summary>
/// Every message the gateway admits passes its device's flood budget (<see cref="FloodRegistry"/>). Two costs matter at
/// a city's scale: the check on each message, and the memory of a budget for each device that has sent lately (a
/// million for a city of a million). Measured side by side with the design of a bucket object per device in a
/// concurrent dictionary: a message of a device already known, and the first messages of 100,000 devices (what they
/// allocate is about what the table then holds for them, its growth included).
/// </summary>
[MemoryDiagnoser]
public class FloodRegistryBenchmarks
{
    private const int Devices = 100_000;

    private readonly string[] _ids = [.. Enumerable.Range(0, Devices).Select(i => $"WL-990101-{i:D6}")];
    private readonly TimeProvider _clock = TimeProvider.System;
    private FloodRegistry _registry = null!;
    private ObjectPerDevice _objects = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _registry = new FloodRegistry(_clock);
        _objects = new ObjectPerDevice(_clock);
        foreach (var id in _ids)
        {
            _registry.TryPass(id, 1);
            _objects.TryPass(id, 1);
        }
    }

    [Benchmark(Baseline = true, Description = "a bucket object a device: one message")]
    public bool ObjectPerDeviceMessage() => _objects.TryPass(_ids[_next++ % Devices], 1);

    [Benchmark(Description = "FloodRegistry: one message")]
    public bool RegistryMessage() => _registry.TryPass(_ids[_next++ % Devices], 1);

    [Benchmark(Description = "a bucket object a device: 100,000 devices' first messages", OperationsPerInvoke = Devices)]
    public int ObjectPerDeviceFill()
    {
        var table = new ObjectPerDevice(_clock);
        foreach (var id in _ids)
        {
            table.TryPass(id, 60);
        }

        return table.Count;
    }

    [Benchmark(Description = "FloodRegistry: 100,000 devices' first messages", OperationsPerInvoke = Devices)]
    public int RegistryFill()
    {
        var registry = new FloodRegistry(_clock);
        foreach (var id in _ids)
        {
            registry.TryPass(id, 60);
        }

        return registry.Count;
    }

    /// <summary>The design compared with: a concurrent dictionary of a locked bucket object per device.</summary>
    private sealed class ObjectPerDevice(TimeProvider clock)
    {
        private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

        public int Count => _buckets.Count;

        public bool TryPass(string deviceId, int expectedIntervalSeconds)
        {
            var now = clock.GetUtcNow();
            if (!_buckets.TryGetValue(deviceId, out var bucket))
            {
                bucket = Add(deviceId, expectedIntervalSeconds, now);
            }

            lock (bucket)
            {
                return bucket.Guard.TryPass(now);
            }
        }

        /// <summary>Apart, so that only a device new to the table costs a closure.</summary>
        private Bucket Add(string deviceId, int expectedIntervalSeconds, DateTimeOffset now) =>
            _buckets.GetOrAdd(deviceId, _ => new Bucket(expectedIntervalSeconds, now));

        private sealed class Bucket(int expectedIntervalSeconds, DateTimeOffset now)
        {
            public FloodGuard Guard = new(expectedIntervalSeconds, now);
        }
    }
}
