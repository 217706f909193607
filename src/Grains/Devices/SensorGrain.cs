using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

public sealed class SensorGrain(
    [PersistentState("device", "Default")] IPersistentState<DeviceTwinState> state,
    [PersistentState("deviceHistory", "Default")] IPersistentState<DeviceHistoryState> history,
    DeviceTwinServices services)
    : DeviceTwinGrain(state, history, services), ISensorGrain;
