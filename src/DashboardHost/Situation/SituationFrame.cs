using System.Text.Json.Serialization;
using CityOps.DashboardHost.Events;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;

namespace CityOps.DashboardHost.Situation;

/// <summary>
/// One message of the situation hub (<c>Snapshot</c> or <c>Delta</c>). A snapshot carries the
/// region's state; a delta only the entries that changed since the client's previous frame (the
/// latest state of each), the alarms raised since then, and the KPIs when they changed.
/// </summary>
/// <param name="Seq">Increases by one with every frame sent to the connection, snapshots included.</param>
/// <param name="Kpis">Today's KPIs of the region, as <c>GET /api/kpis?region=</c> gives them; in a delta only when they changed.</param>
/// <param name="AlarmsDropped">Raised alarms left out of this frame because the client fell behind.</param>
/// <param name="Withdrawn">
/// Ids of cases the client was shown that its user may no longer see (reassigned out of their
/// department or region): the client drops them. Only in a delta, and only when there are any.
/// </param>
public sealed record SituationFrame(
    long Seq,
    string Region,
    IReadOnlyList<DeviceEntry> Devices,
    IReadOnlyList<CellEntry> Cells,
    IReadOnlyList<EventEntry> Events,
    IReadOnlyList<AlarmEntry> Alarms,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] KpiResponse? Kpis,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int AlarmsDropped = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Withdrawn = null);

public sealed record DeviceEntry(
    string Id,
    DeviceKind Kind,
    string Name,
    double[] Location,
    string CellCode,
    bool Online,
    DateTimeOffset? LastSeen,
    IReadOnlyDictionary<string, double> Values,
    IReadOnlyList<DeviceAlarmEntry> Alarms)
{
    public static DeviceEntry From(DeviceSituation d) => new(
        d.Id, d.Kind, d.Name, [d.Longitude, d.Latitude], d.CellCode, d.Online, d.LastSeen, d.Values, [.. d.Alarms.Select(DeviceAlarmEntry.From)]);

    public static DeviceEntry From(DeviceSnapshot d) => new(
        d.Id,
        d.Kind,
        d.Name,
        [d.Longitude, d.Latitude],
        d.CellCode,
        d.Online,
        d.LastSeen,
        d.Values.ToDictionary(v => v.Key, v => v.Value.Value),
        [.. d.Alarms.Select(DeviceAlarmEntry.From)]);
}

public sealed record DeviceAlarmEntry(string Kind, AlarmSeverity Severity, DateTimeOffset RaisedAt)
{
    public static DeviceAlarmEntry From(DeviceAlarm a) => new(a.Kind, a.Severity, a.RaisedAt);
}

/// <summary>A unit grid cell, compact because a city-wide snapshot carries every cell.</summary>
public sealed record CellEntry(
    string Code,
    HealthLevel Health,
    int DevicesOnline,
    int Devices,
    AlarmCountEntry Alarms,
    int OpenEvents,
    int OverdueEvents)
{
    public static CellEntry From(GridSituation s) => new(
        s.Code,
        s.Health,
        s.Counts.DevicesOnline,
        s.Counts.Devices,
        new AlarmCountEntry(s.Counts.Alarms.Minor, s.Counts.Alarms.Major, s.Counts.Alarms.Critical),
        s.Counts.Events.Open,
        s.Counts.Events.Overdue);
}

public sealed record AlarmCountEntry(int Minor, int Major, int Critical);

public sealed record EventEntry(
    string Id,
    string Category,
    EventUrgency Urgency,
    EventState State,
    double[] Location,
    string CellCode,
    string? Department,
    string? Assignee,
    DateTimeOffset? Deadline,
    EscalationLevel Escalation,
    int Reports,
    DateTimeOffset ReportedAt,
    DateTimeOffset UpdatedAt,
    string? Description)
{
    public static EventEntry From(EventSummary e) => new(
        e.Id,
        e.Category,
        e.Urgency,
        e.State,
        [e.Location.Longitude, e.Location.Latitude],
        e.Location.CellCode,
        e.Department,
        e.Assignee,
        e.Deadline,
        e.Escalation,
        e.Reports,
        e.ReportedAt,
        e.UpdatedAt,
        e.Description);
}

/// <summary>An alarm of the ticker: in a snapshot every standing alarm shown, in a delta those newly raised.</summary>
public sealed record AlarmEntry(string DeviceId, string Kind, AlarmSeverity Severity, DateTimeOffset RaisedAt, string CellCode, double[] Location)
{
    public static AlarmEntry From(RaisedAlarm a) => new(a.DeviceId, a.Kind, a.Severity, a.RaisedAt, a.CellCode, [a.Longitude, a.Latitude]);
}
