using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

public sealed class VideoChannelGrain(
    [PersistentState("device", "Default")] IPersistentState<DeviceTwinState> state,
    [PersistentState("deviceHistory", "Default")] IPersistentState<DeviceHistoryState> history,
    DeviceTwinServices services)
    : DeviceTwinGrain(state, history, services), IVideoChannelGrain;
