using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Interfaces.Grid;

/// <summary>How healthy a cell or region is, from best to worst; the rule is in the grains' <c>HealthRules</c>.</summary>
public enum HealthLevel
{
    Normal,
    Attention,
    Warning,
    Critical,
}

/// <summary>Active device alarms by severity.</summary>
[GenerateSerializer, Immutable]
public sealed record AlarmCounts(
    [property: Id(0)] int Minor,
    [property: Id(1)] int Major,
    [property: Id(2)] int Critical)
{
    public static AlarmCounts None { get; } = new(0, 0, 0);
}

/// <summary>Open urban events; <paramref name="OverdueUrgent"/> counts overdue ones of urgency urgent or emergency.</summary>
[GenerateSerializer, Immutable]
public sealed record EventCounts(
    [property: Id(0)] int Open,
    [property: Id(1)] int Overdue,
    [property: Id(2)] int OpenEmergency,
    [property: Id(3)] int OverdueUrgent)
{
    public static EventCounts None { get; } = new(0, 0, 0, 0);
}

/// <summary>Unit grid cells by health level: a cell counts itself once, a region sums its cells.</summary>
[GenerateSerializer, Immutable]
public sealed record HealthCounts(
    [property: Id(0)] int Normal,
    [property: Id(1)] int Attention,
    [property: Id(2)] int Warning,
    [property: Id(3)] int Critical)
{
    public static HealthCounts None { get; } = new(0, 0, 0, 0);
}

/// <summary>The live counts of a cell, or of a region as the sum of its cells.</summary>
[GenerateSerializer, Immutable]
public sealed record GridCounts(
    [property: Id(0)] Dictionary<DeviceKind, int> DevicesByKind,
    [property: Id(1)] int DevicesOnline,
    [property: Id(2)] AlarmCounts Alarms,
    [property: Id(3)] EventCounts Events,
    [property: Id(4)] HealthCounts Cells)
{
    /// <summary>A new empty count each time: its dictionary is never shared between holders.</summary>
    public static GridCounts Empty => new([], 0, AlarmCounts.None, EventCounts.None, HealthCounts.None);

    public int Devices => DevicesByKind.Values.Sum();

    /// <summary>Online devices over all devices; null where there are no devices.</summary>
    public double? OnlineRatio => Devices == 0 ? null : (double)DevicesOnline / Devices;
}

/// <summary>A cell's or region's live situation.</summary>
/// <param name="UpdatedAt">When the counts last changed; null when nothing was ever reported.</param>
[GenerateSerializer, Immutable]
public sealed record GridSituation(
    [property: Id(0)] string Code,
    [property: Id(1)] GridCounts Counts,
    [property: Id(2)] HealthLevel Health,
    [property: Id(3)] DateTimeOffset? UpdatedAt);
