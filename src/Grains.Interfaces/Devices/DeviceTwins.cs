using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Interfaces.Devices;

/// <summary>Maps a device kind to the grain interface of its twin.</summary>
public static class DeviceTwins
{
    public static IDeviceTwinGrain Get(IGrainFactory grains, DeviceKind kind, string deviceId) => kind switch
    {
        DeviceKind.SmartPole => grains.GetGrain<ISmartPoleGrain>(deviceId),
        DeviceKind.Camera or DeviceKind.Nvr => grains.GetGrain<IVideoChannelGrain>(deviceId),
        _ => grains.GetGrain<ISensorGrain>(deviceId),
    };
}
