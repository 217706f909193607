using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

public sealed class SmartPoleGrain(
    [PersistentState("device", "Default")] IPersistentState<DeviceTwinState> state,
    [PersistentState("deviceHistory", "Default")] IPersistentState<DeviceHistoryState> history,
    DeviceTwinServices services)
    : DeviceTwinGrain(state, history, services), ISmartPoleGrain;
