using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

public sealed class SmartPoleGrain(DeviceTwinServices services) : DeviceTwinGrain(services), ISmartPoleGrain;
