using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>Who is behind an authenticated MQTT connection, kept in the broker's session items.</summary>
/// <param name="ExpectedIntervalSeconds">How often the device reports, which sizes its flood budget (<see cref="FloodRegistry"/>).</param>
public sealed record DeviceSession(string DeviceId, DeviceKind Kind, IDeviceTwinGrain Twin, int ExpectedIntervalSeconds)
{
    public const string Key = "cityops.device";
}
