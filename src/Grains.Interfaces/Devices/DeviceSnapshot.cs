using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Interfaces.Devices;

/// <summary>The live state of a device twin as the API and the dashboard show it.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] DeviceKind Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] double Longitude,
    [property: Id(4)] double Latitude,
    [property: Id(5)] string CellCode,
    [property: Id(6)] bool Online,
    [property: Id(7)] DateTimeOffset? LastSeen,
    [property: Id(8)] IReadOnlyDictionary<string, MetricReading> Values,
    [property: Id(9)] IReadOnlyList<DeviceAlarm> Alarms,
    [property: Id(10)] int ExpectedIntervalSeconds,
    [property: Id(11)] VideoRecord? Video,
    [property: Id(12)] IReadOnlyList<string>? Modules,
    [property: Id(13)] string? LatestSnapshot,
    [property: Id(14)] IReadOnlyList<DetectionRecord>? Detections = null,
    [property: Id(15)] IReadOnlyDictionary<string, DetectionTally>? DetectionTallies = null);
