using BenchmarkDotNet.Attributes;
using CityOps.Grains.Rules;

namespace CityOps.Benchmarks;

/// <summary>
/// Every reading of every metric with a threshold is judged by the rule state machine in the
/// device's grain: the water-level rule of the sample configuration (above 15 cm, clear below 12).
/// </summary>
[MemoryDiagnoser]
public class RuleEvaluatorBenchmarks
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly ThresholdRule _rule = new()
    {
        Metric = "waterLevelCm",
        Above = 15,
        ClearBelow = 12,
        Alarm = "waterlogging",
    };

    private readonly RuleState _pending = new(false, At.AddSeconds(-30));

    [Benchmark(Description = "RuleEvaluator normal reading (idle)")]
    public (RuleState, RuleTransition) Normal() => RuleEvaluator.Evaluate(_rule, RuleState.Idle, 3.5, At);

    [Benchmark(Description = "RuleEvaluator reading beyond (raise)")]
    public (RuleState, RuleTransition) Raise() => RuleEvaluator.Evaluate(_rule, _pending, 18.2, At);
}
