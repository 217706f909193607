using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

public sealed class SmartPoleGrain(
    [PersistentState("device", "Default")] IPersistentState<DeviceTwinState> state,
    [PersistentState("deviceHistory", "Default")] IPersistentState<DeviceHistoryState> history,
    [PersistentState("alarmOutbox", "Default")] IPersistentState<AlarmOutboxState> outbox,
    DeviceTwinServices services)
    : DeviceTwinGrain(state, history, outbox, services), ISmartPoleGrain;
