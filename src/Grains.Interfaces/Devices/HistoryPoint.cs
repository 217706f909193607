namespace CityOps.Grains.Interfaces.Devices;

/// <summary>One point of a device's chart: the readings of one interval starting at <paramref name="At"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record HistoryPoint(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double Average,
    [property: Id(2)] double Min,
    [property: Id(3)] double Max,
    [property: Id(4)] int Count);
