using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Interfaces.Situation;

/// <summary>A device's live state as the situation stream shows it: what a map marker needs, nothing more.</summary>
/// <param name="Values">The latest reading of each metric.</param>
/// <param name="AlarmsChanged">This change raised or cleared an alarm, so a wide view that shows only alarmed devices must still show it once.</param>
[GenerateSerializer, Immutable]
public sealed record DeviceSituation(
    [property: Id(0)] string Id,
    [property: Id(1)] DeviceKind Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] double Longitude,
    [property: Id(4)] double Latitude,
    [property: Id(5)] string CellCode,
    [property: Id(6)] bool Online,
    [property: Id(7)] DateTimeOffset? LastSeen,
    [property: Id(8)] IReadOnlyDictionary<string, double> Values,
    [property: Id(9)] IReadOnlyList<DeviceAlarm> Alarms,
    [property: Id(10)] bool AlarmsChanged);

/// <summary>An alarm just raised by a device, with where it is, for the big screen's alarm ticker.</summary>
[GenerateSerializer, Immutable]
public sealed record RaisedAlarm(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string Kind,
    [property: Id(2)] AlarmSeverity Severity,
    [property: Id(3)] DateTimeOffset RaisedAt,
    [property: Id(4)] string CellCode,
    [property: Id(5)] double Longitude,
    [property: Id(6)] double Latitude);

/// <summary>
/// What changed in one district since the feed's previous batch: the latest state of each device,
/// cell and case that changed (one entry per id) and the alarms raised in between.
/// </summary>
/// <param name="RaisedDropped">Raised alarms left out because more were raised than a batch holds; the oldest go first.</param>
[GenerateSerializer, Immutable]
public sealed record SituationChanges(
    [property: Id(0)] string District,
    [property: Id(1)] IReadOnlyList<DeviceSituation> Devices,
    [property: Id(2)] IReadOnlyList<GridSituation> Cells,
    [property: Id(3)] IReadOnlyList<EventSummary> Events,
    [property: Id(4)] IReadOnlyList<RaisedAlarm> Raised,
    [property: Id(5)] int RaisedDropped);
