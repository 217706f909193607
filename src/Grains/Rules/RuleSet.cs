using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Configuration;

namespace CityOps.Grains.Rules;

/// <summary>
/// The thresholds of every device kind (configuration section <c>Rules</c>, keyed by the kind's
/// camelCase name). Smart poles carry an environment module, so they may have air-quality rules too.
/// </summary>
public sealed class RuleSet : IAlarmThresholds
{
    public const string Section = "Rules";

    private ThresholdRule[][]? _byKind;
    private Dictionary<string, ThresholdRule[]>? _byMetric;

    public Dictionary<string, List<ThresholdRule>> Kinds { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static RuleSet From(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var set = new RuleSet();
        foreach (var kind in section.GetChildren())
        {
            set.Kinds[kind.Key] = kind.Get<List<ThresholdRule>>() ?? [];
        }

        return set;
    }

    /// <summary>The rules of one kind; looked up per reading, so resolved by kind once.</summary>
    public IReadOnlyList<ThresholdRule> For(DeviceKind kind)
    {
        _byKind ??= [.. Enum.GetValues<DeviceKind>().Select(k => Kinds.TryGetValue(KindName(k), out var rules) ? rules.ToArray() : [])];
        return _byKind[(int)kind];
    }

    /// <summary>Whether any kind's rule on one of the reading's metrics sees its value beyond the raise level.</summary>
    public bool MayRaise(TelemetryReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _byMetric ??= Kinds.Values.SelectMany(rules => rules)
            .GroupBy(rule => rule.Metric, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

        // Asked for every reading before it is acknowledged: the parser's dictionary is walked with its own enumerator
        // and the rules by index, so that the question allocates nothing (through the interface it would box one).
        if (report.Values is Dictionary<string, double> parsed)
        {
            foreach (var (metric, value) in parsed)
            {
                if (AnyBeyond(metric, value))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var (metric, value) in report.Values)
        {
            if (AnyBeyond(metric, value))
            {
                return true;
            }
        }

        return false;
    }

    private bool AnyBeyond(string metric, double value)
    {
        if (!_byMetric!.TryGetValue(metric, out var rules))
        {
            return false;
        }

        foreach (var rule in rules)
        {
            if (rule.IsBeyond(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every problem in the configuration, each naming the kind and rule it is in.</summary>
    public IEnumerable<string> Problems()
    {
        var known = Enum.GetValues<DeviceKind>().Select(KindName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknownKinds =
            from kind in Kinds.Keys
            where !known.Contains(kind)
            select $"Rules:{kind}: not a device kind (one of {string.Join(", ", known)})";
        var badRules =
            from kind in Kinds
            from entry in kind.Value.Select((rule, index) => (rule, index))
            let problem = entry.rule.Problem()
            where problem is not null
            select $"Rules:{kind.Key}:{entry.index}: {problem}";
        return unknownKinds.Concat(badRules);
    }

    private static string KindName(DeviceKind kind)
    {
        var name = kind.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
