using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

public sealed class SensorGrain(DeviceTwinServices services) : DeviceTwinGrain(services), ISensorGrain;
