namespace CityOps.Grains.Rules;

/// <summary>What a rule's state is between readings; kept with the device twin.</summary>
[GenerateSerializer]
public sealed record RuleState(
    [property: Id(0)] bool Active,
    [property: Id(1)] DateTimeOffset? BeyondSince)
{
    public static RuleState Idle { get; } = new(false, null);
}

public enum RuleTransition
{
    None,
    Raise,
    Clear,
}

/// <summary>The threshold state machine: idle → pending (beyond, debouncing) → active → idle on recovery.</summary>
public static class RuleEvaluator
{
    public static (RuleState State, RuleTransition Transition) Evaluate(ThresholdRule rule, RuleState state, double value, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Active)
        {
            return rule.HasRecovered(value) ? (RuleState.Idle, RuleTransition.Clear) : (state, RuleTransition.None);
        }

        if (!rule.IsBeyond(value))
        {
            return (RuleState.Idle, RuleTransition.None);
        }

        var since = state.BeyondSince ?? at;
        return at - since >= TimeSpan.FromSeconds(rule.ForSeconds)
            ? (new RuleState(true, since), RuleTransition.Raise)
            : (new RuleState(false, since), RuleTransition.None);
    }
}
