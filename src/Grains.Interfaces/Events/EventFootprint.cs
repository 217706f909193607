namespace CityOps.Grains.Interfaces.Events;

/// <summary>What intake needs of a case to tell whether a new report duplicates it.</summary>
/// <param name="Longitude">WGS 84 degrees.</param>
/// <param name="Latitude">WGS 84 degrees.</param>
[GenerateSerializer, Immutable]
public sealed record EventFootprint(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Category,
    [property: Id(2)] double Longitude,
    [property: Id(3)] double Latitude,
    [property: Id(4)] DateTimeOffset ReportedAt,
    [property: Id(5)] EventState State);
