using BenchmarkDotNet.Attributes;
using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Benchmarks;

/// <summary>
/// What an accepted reading does to an active twin's memory, for every reading the engine applies: its
/// sequence number checked, its value made the metric's latest and folded into the chart history, and
/// the silo's silence watch told when the device is due next. Whatever it allocates is garbage made at
/// line rate, and whatever it writes into the long-lived twin the collector must look at again.
/// </summary>
[MemoryDiagnoser]
public class TwinReadingBenchmarks
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private static readonly Func<string, double, DateTimeOffset, bool> NoRules = static (_, _, _) => false;

    private readonly DeviceTwinState _twin = new()
    {
        Profile = new DeviceProfile("WL-990103-00001", DeviceKind.WaterLevel, "积水监测点", 114.3, 27.6, "9901030010010001", 600),
    };

    private readonly MetricHistory _history = new(new DeviceHistoryState());
    private readonly DueSchedule _silence = new();

    /// <summary>Readings made beforehand, as the parser hands them over: the benchmark counts only what the twin does.</summary>
    private TelemetryReport[] _reports = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _reports = [.. Enumerable.Range(1, 4096).Select(i => new TelemetryReport(At.AddSeconds(i), i, new Dictionary<string, double> { ["waterLevelCm"] = 3.5 + (i % 7) }))];

        // The twin already knows the metric and is watched, as an active twin is.
        if (!Apply() || !_twin.HasMetric("waterLevelCm"))
        {
            throw new InvalidOperationException("The reading was not applied.");
        }
    }

    [Benchmark(Description = "Twin reading applied (1 value, history, silence watch)")]
    public bool Apply()
    {
        var report = _reports[_next++ % _reports.Length];
        var isNew = TwinReadings.IsNew(_twin, report);
        TwinReadings.Apply(_twin, _history, report, report.Timestamp, NoRules);
        _silence.Expect(_twin.Profile!.Id, DeviceKind.WaterLevel, TwinCall.CheckSilence, report.Timestamp.AddMinutes(30));
        return isNew;
    }
}
