using BenchmarkDotNet.Attributes;
using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Benchmarks;

/// <summary>
/// Intake looks for an open case a new report duplicates (same category within 200 m and 2 h) among
/// the open cases near it; during a rainstorm a district holds about a thousand open cases, a tenth
/// of them waterlogging, and a handful within reach of the new report.
/// </summary>
[MemoryDiagnoser]
public class DuplicateRuleBenchmarks
{
    private const double RadiusMetres = 200;
    private static readonly TimeSpan Window = TimeSpan.FromHours(2);
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly string[] Categories =
        ["waterlogging", "manhole_displaced", "illegal_parking", "road_damage", "garbage_overflow", "streetlight_out", "gas_leak", "water_main_leak", "tree_down", "noise"];

    private EventFootprint _candidate = null!;
    private EventFootprint[] _open = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20260501);
        _candidate = new("E-20260501-1001", "waterlogging", 114.331298, 27.60876, Now, EventState.Reported);
        _open = new EventFootprint[1000];
        for (var i = 0; i < _open.Length; i++)
        {
            // Spread over a district of about 10 km by 10 km; every 100th case close to the candidate.
            var near = i % 100 == 0;
            var lon = _candidate.Longitude + (near ? 0.0005 : (random.NextDouble() - 0.5) * 0.1);
            var lat = _candidate.Latitude + (near ? 0.0005 : (random.NextDouble() - 0.5) * 0.09);
            var state = i % 5 == 0 ? EventState.Dispatched : EventState.Registered;
            _open[i] = new($"E-20260501-{i:D4}", Categories[i % Categories.Length], lon, lat, Now.AddMinutes(-random.Next(0, 240)), state);
        }

        if (Find() is null)
        {
            throw new InvalidOperationException("The benchmark candidate must find its primary.");
        }
    }

    [Benchmark(Description = "DuplicateRule FindPrimary (1,000 open cases)")]
    public EventFootprint? Find() => DuplicateRule.FindPrimary(_candidate, _open, RadiusMetres, Window);
}
