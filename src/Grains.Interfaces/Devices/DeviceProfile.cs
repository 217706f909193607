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
    [property: Id(8)] string[]? Modules = null)
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

    /// <summary>By value, modules included, so provisioning the same profile again changes nothing.</summary>
    public bool Equals(DeviceProfile? other) =>
        other is not null
        && (Id, Kind, Name, Longitude, Latitude, CellCode, ExpectedIntervalSeconds, Video) == (other.Id, other.Kind, other.Name, other.Longitude, other.Latitude, other.CellCode, other.ExpectedIntervalSeconds, other.Video)
        && (Modules ?? []).SequenceEqual(other.Modules ?? []);

    public override int GetHashCode() => HashCode.Combine(Id, Kind, CellCode, Modules?.Length ?? 0);
}
