namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// Something a device reports as it happens rather than as a reading: a pole's one-key SOS
/// (<c>alarm</c> topic) or a video AI detection (<c>detections</c> topic).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DeviceEventReport(
    [property: Id(0)] string Kind,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] double? Confidence,
    [property: Id(3)] string? Snapshot);
