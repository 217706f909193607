using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Rules;

namespace CityOps.Grains.Tests.Rules;

public class RuleEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private static readonly ThresholdRule Water = new() { Metric = "waterLevelCm", Above = 15, ClearBelow = 12, Alarm = "waterlogging" };

    private static (RuleState State, List<RuleTransition> Transitions) Run(ThresholdRule rule, params (double Value, int Second)[] readings)
    {
        var state = RuleState.Idle;
        var transitions = new List<RuleTransition>();
        foreach (var (value, second) in readings)
        {
            (state, var transition) = RuleEvaluator.Evaluate(rule, state, value, T0.AddSeconds(second));
            transitions.Add(transition);
        }

        return (state, transitions);
    }

    [Fact]
    public void Crossing_the_threshold_raises_the_alarm()
    {
        Run(Water, (10, 0), (16, 1)).Transitions.Should().Equal(RuleTransition.None, RuleTransition.Raise);
    }

    [Fact]
    public void A_value_flapping_around_the_threshold_raises_one_alarm()
    {
        var (_, transitions) = Run(Water, (16, 0), (14.9, 1), (15.1, 2), (13, 3), (15.5, 4), (14, 5));

        transitions.Count(t => t == RuleTransition.Raise).Should().Be(1);
        transitions.Should().NotContain(RuleTransition.Clear);
    }

    [Fact]
    public void The_alarm_clears_only_below_the_clear_level()
    {
        Run(Water, (16, 0), (12.5, 1), (11.9, 2)).Transitions.Should().Equal(RuleTransition.Raise, RuleTransition.None, RuleTransition.Clear);
    }

    [Fact]
    public void With_debounce_the_value_must_stay_beyond_the_threshold_for_the_whole_time()
    {
        var pm25 = new ThresholdRule { Metric = "pm25", Above = 75, ClearBelow = 60, ForSeconds = 600, Alarm = "pm25_high" };

        Run(pm25, (80, 0), (90, 300), (85, 599)).Transitions.Should().OnlyContain(t => t == RuleTransition.None);
        Run(pm25, (80, 0), (90, 300), (85, 600)).Transitions.Last().Should().Be(RuleTransition.Raise);
    }

    [Fact]
    public void A_dip_below_the_threshold_restarts_the_debounce()
    {
        var pm25 = new ThresholdRule { Metric = "pm25", Above = 75, ForSeconds = 600, Alarm = "pm25_high" };

        Run(pm25, (80, 0), (70, 300), (80, 400), (80, 900)).Transitions.Should().OnlyContain(t => t == RuleTransition.None);
    }

    [Fact]
    public void A_below_rule_raises_on_low_values_and_clears_above_its_clear_level()
    {
        var hydrant = new ThresholdRule { Metric = "pressureMpa", Below = 0.1, ClearAbove = 0.14, Alarm = "hydrant_low_pressure" };

        Run(hydrant, (0.3, 0), (0.08, 1), (0.12, 2), (0.2, 3)).Transitions
            .Should().Equal(RuleTransition.None, RuleTransition.Raise, RuleTransition.None, RuleTransition.Clear);
    }

    [Theory]
    [InlineData(null, null, "exactly one")]
    [InlineData(15.0, 10.0, "exactly one")]
    public void A_rule_needs_exactly_one_direction(double? above, double? below, string problem)
    {
        new ThresholdRule { Metric = "m", Alarm = "a", Above = above, Below = below }.Problem().Should().Contain(problem);
    }

    [Fact]
    public void A_clear_level_beyond_the_threshold_is_a_problem()
    {
        new ThresholdRule { Metric = "m", Alarm = "a", Above = 10, ClearBelow = 12 }.Problem().Should().NotBeNull();
        Water.Problem().Should().BeNull();
        Water.Severity.Should().Be(AlarmSeverity.Major);
    }
}
