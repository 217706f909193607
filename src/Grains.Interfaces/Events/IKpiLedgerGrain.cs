namespace CityOps.Grains.Interfaces.Events;

/// <summary>
/// The KPI counters of one scope (<c>region:990101</c>, <c>department:water</c>) by day, added up
/// as cases move, so a report over any period sums a few days' counters instead of scanning cases.
/// </summary>
public interface IKpiLedgerGrain : IGrainWithStringKey
{
    /// <summary>Adds a case change's counts to a day once: a change key (case and version) already counted is not counted again.</summary>
    Task Add(DateOnly day, EventKpiCounters delta, string changeKey);

    /// <summary>The counters of the days from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    Task<EventKpiCounters> Sum(DateOnly from, DateOnly to);
}

/// <summary>The city's days, on which actions are counted and cases numbered.</summary>
public static class CityDays
{
    /// <summary>The setting of the city's offset from UTC (China Standard Time unless set).</summary>
    public const string UtcOffsetSetting = "Events:KpiUtcOffset";

    public static TimeSpan DefaultUtcOffset { get; } = TimeSpan.FromHours(8);

    /// <summary>The city's date at an instant.</summary>
    public static DateOnly DayOf(DateTimeOffset at, TimeSpan utcOffset) => DateOnly.FromDateTime((at + utcOffset).UtcDateTime);
}

/// <summary>The keys of <see cref="IKpiLedgerGrain"/>.</summary>
public static class KpiScopes
{
    public static string Region(string code) => "region:" + code;

    public static string Department(string code) => "department:" + code;
}
