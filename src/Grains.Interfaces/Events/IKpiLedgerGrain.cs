namespace CityOps.Grains.Interfaces.Events;

/// <summary>
/// The KPI counters of one scope (<c>region:990101</c>, <c>department:water</c>) by day, added up
/// as cases move, so a report over any period sums a few days' counters instead of scanning cases.
/// Days are kept for <c>Events:KpiRetentionDays</c> (today included); older ones are dropped.
/// </summary>
public interface IKpiLedgerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a case change's counts to a day once: a version of the case already counted (or an earlier one) is not
    /// counted again, nor is a day before the retention. Drops the days the retention has passed. A case's changes
    /// must arrive in order of version.
    /// </summary>
    Task Add(DateOnly day, EventKpiCounters delta, string eventId, int version);

    /// <summary>
    /// The counters of the days from <paramref name="from"/> to <paramref name="to"/>, both included, and the earliest
    /// day kept: days before it count nothing, so a period that starts earlier is summed only in part.
    /// </summary>
    Task<KpiSum> Sum(DateOnly from, DateOnly to);
}

/// <summary>A ledger's counters over a period, and the earliest day it keeps.</summary>
[GenerateSerializer, Immutable]
public sealed record KpiSum(
    [property: Id(0)] EventKpiCounters Counters,
    [property: Id(1)] DateOnly KeptFrom);

/// <summary>The city's days, on which actions are counted and cases numbered.</summary>
public static class CityDays
{
    /// <summary>The setting of the city's offset from UTC (China Standard Time unless set).</summary>
    public const string UtcOffsetSetting = "Events:KpiUtcOffset";

    public static TimeSpan DefaultUtcOffset { get; } = TimeSpan.FromHours(8);

    /// <summary>The setting of how many days (today included) the KPI ledgers keep.</summary>
    public const string KpiRetentionSetting = "Events:KpiRetentionDays";

    /// <summary>Longer than a year, so this year's figures can be set beside last year's.</summary>
    public const int DefaultKpiRetentionDays = 400;

    /// <summary>The city's date at an instant.</summary>
    public static DateOnly DayOf(DateTimeOffset at, TimeSpan utcOffset) => DateOnly.FromDateTime((at + utcOffset).UtcDateTime);
}

/// <summary>The keys of <see cref="IKpiLedgerGrain"/>.</summary>
public static class KpiScopes
{
    public static string Region(string code) => "region:" + code;

    public static string Department(string code) => "department:" + code;
}
