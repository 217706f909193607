using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// A device's credentials, keyed by device id. Kept apart from the twin so that a gateway can
/// authenticate a connection and learn which twin to feed without touching live state.
/// </summary>
public interface IDeviceAccountGrain : IGrainWithStringKey
{
    /// <summary>Registers the device with its secret; a repeat with the same kind and secret writes nothing.</summary>
    Task EnsureRegistered(DeviceKind kind, string secret);

    /// <summary>The device's kind when the secret is right; null for a wrong secret or an unknown device.</summary>
    ValueTask<DeviceKind?> Authenticate(string secret);

    /// <summary>The device's kind, or null when no such device is registered.</summary>
    ValueTask<DeviceKind?> GetKind();
}
