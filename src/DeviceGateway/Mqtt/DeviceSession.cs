using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>Who is behind an authenticated MQTT connection, kept in the broker's session items.</summary>
public sealed record DeviceSession(string DeviceId, DeviceKind Kind, IDeviceTwinGrain Twin, FloodGuard Flood)
{
    public const string Key = "cityops.device";
}
