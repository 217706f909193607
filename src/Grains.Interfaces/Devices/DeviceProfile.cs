using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Interfaces.Devices;

/// <summary>What the city knows about a device before it ever speaks: identity, kind and place.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceProfile(
    [property: Id(0)] string Id,
    [property: Id(1)] DeviceKind Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] double Longitude,
    [property: Id(4)] double Latitude,
    [property: Id(5)] string CellCode,
    [property: Id(6)] int ExpectedIntervalSeconds,
    [property: Id(7)] VideoRecord? Video = null,
    [property: Id(8)] IReadOnlyList<string>? Modules = null)
{
    public static DeviceProfile From(DeviceRecord record) => new(
        record.Id,
        record.Kind,
        record.Name,
        record.Location[0],
        record.Location[1],
        record.CellCode,
        record.ExpectedIntervalSeconds,
        record.Video,
        record.Modules);
}
