using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

public sealed class VideoChannelGrain(DeviceTwinServices services) : DeviceTwinGrain(services), IVideoChannelGrain;
