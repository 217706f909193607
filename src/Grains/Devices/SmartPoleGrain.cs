using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

public sealed class SmartPoleGrain([PersistentState("device", "Default")] IPersistentState<DeviceTwinState> state, TimeProvider clock)
    : DeviceTwinGrain(state, clock), ISmartPoleGrain;
