using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>How intake and the case index behave (section <c>Events</c>).</summary>
public sealed class EventOptions
{
    public const string Section = "Events";

    /// <summary>Reports of one category within this distance of an open case are duplicates of it.</summary>
    public double DuplicateRadiusMetres { get; set; } = 200;

    /// <summary>…and within this time of its report.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The department whose responders verify cases (监督员).</summary>
    public string InspectionDepartment { get; set; } = EventLifecycle.DefaultInspectionDepartment;

    /// <summary>The city's time zone offset, which decides what day an action counts on in the KPIs.</summary>
    public TimeSpan KpiUtcOffset { get; set; } = CityDays.DefaultUtcOffset;

    /// <summary>
    /// Days the KPI ledgers keep, today included (<c>Events:KpiRetentionDays</c>); older days are dropped as changes
    /// are added and a period reaching further back is refused. Longer than a year, for year-on-year assessments.
    /// </summary>
    public int KpiRetentionDays { get; set; } = CityDays.DefaultKpiRetentionDays;

    /// <summary>Ended cases each district index keeps for lists besides every open one.</summary>
    public int EndedCasesKept { get; set; } = 2000;

    /// <summary>
    /// How often a district's index offers intake again the reports it admitted whose cases were never
    /// opened (the opening failed, for instance while storage was away, and the reporter may not send
    /// again), and how old such an admission must be first (<c>Events:UnopenedRetry</c>).
    /// </summary>
    public TimeSpan UnopenedRetry { get; set; } = TimeSpan.FromSeconds(30);
}
