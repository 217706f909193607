using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Rules;

/// <summary>
/// One threshold on one metric of one device kind, from configuration (section <c>Rules</c>).
/// Exactly one of <see cref="Above"/> and <see cref="Below"/> is set. The alarm is raised when the
/// value has stayed beyond the threshold for <see cref="ForSeconds"/> (debounce) and cleared only
/// once it comes back past the clear level (hysteresis), so a value flapping around the threshold
/// raises one alarm, not hundreds.
/// </summary>
public sealed class ThresholdRule
{
    public string Metric { get; set; } = "";

    public double? Above { get; set; }

    public double? Below { get; set; }

    /// <summary>The level the value must fall back below (for <see cref="Above"/>) before the alarm clears.</summary>
    public double? ClearBelow { get; set; }

    /// <summary>The level the value must rise back above (for <see cref="Below"/>) before the alarm clears.</summary>
    public double? ClearAbove { get; set; }

    public int ForSeconds { get; set; }

    /// <summary>The alarm kind, one of the catalogue's <c>alarmKinds</c>.</summary>
    public string Alarm { get; set; } = "";

    public AlarmSeverity Severity { get; set; } = AlarmSeverity.Major;

    /// <summary>Names this rule's state on a twin.</summary>
    internal string Key => field ??= $"{Alarm}:{Metric}";

    /// <summary>Why this rule cannot work, or null when it is sound.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Metric) || string.IsNullOrWhiteSpace(Alarm))
        {
            return "metric and alarm are required";
        }

        return (Above, Below) switch
        {
            (null, null) or ({ }, { }) => "exactly one of above and below is required",
            ({ } above, null) when ClearBelow is { } clear && clear > above => "clearBelow must not exceed above",
            (null, { } below) when ClearAbove is { } clear && clear < below => "clearAbove must not be under below",
            _ when ForSeconds < 0 => "forSeconds must not be negative",
            _ => null,
        };
    }

    internal bool IsBeyond(double value) => Above is { } above ? value > above : value < Below!.Value;

    internal bool HasRecovered(double value) => Above is { } above
        ? value < (ClearBelow ?? above)
        : value > (ClearAbove ?? Below!.Value);
}
