using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

public sealed class SensorGrain([PersistentState("device", "Default")] IPersistentState<DeviceTwinState> state, TimeProvider clock)
    : DeviceTwinGrain(state, clock), ISensorGrain;
