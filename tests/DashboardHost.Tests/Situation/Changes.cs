using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;

namespace CityOps.DashboardHost.Tests.Situation;

/// <summary>Builds districts' batches of changes for the buffer and session tests.</summary>
internal static class Changes
{
    public const string District = "990101";
    public const string Cell = "9901010010010001";
    public const string OtherDistrictCell = "9901020010010001";

    public static readonly DateTimeOffset At = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    public static DeviceSituation Device(string id, double value = 1, string cell = Cell, bool alarmed = false, bool alarmsChanged = false) => new(
        id,
        DeviceKind.WaterLevel,
        id,
        114.3,
        27.6,
        cell,
        true,
        At,
        new Dictionary<string, double> { ["waterLevelCm"] = value },
        alarmed ? [new DeviceAlarm("waterlogging", AlarmSeverity.Major, At, "waterLevelCm", value)] : [],
        alarmsChanged);

    public static RaisedAlarm Raised(string deviceId, int minute = 0, string cell = Cell) =>
        new(deviceId, "waterlogging", AlarmSeverity.Major, At.AddMinutes(minute), cell, 114.3, 27.6);

    public static GridSituation CellSituation(string code = Cell, int online = 1) =>
        new(code, GridCounts.Empty with { DevicesOnline = online }, HealthLevel.Normal, At);

    public static EventSummary Event(string id, string cell = Cell) => new(
        id, "waterlogging", EventUrgency.Urgent, EventState.Reported, new EventLocation(114.3, 27.6, cell), null, null,
        EventChannel.Sensor, At, At, EventStage.Register, At.AddHours(1), EscalationLevel.None, 1, null);

    public static SituationChanges Of(
        IReadOnlyList<DeviceSituation>? devices = null,
        IReadOnlyList<GridSituation>? cells = null,
        IReadOnlyList<EventSummary>? events = null,
        IReadOnlyList<RaisedAlarm>? raised = null,
        string district = District) =>
        new(district, devices ?? [], cells ?? [], events ?? [], raised ?? [], 0);
}
