using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

/// <summary>
/// Each silo's watch over its online devices' silence, instead of a reminder and a timer per device. A twin
/// tells the watch, with every message, when its device is due next; the silo's sweep (<see cref="TwinSweep"/>) asks a
/// twin to check itself (<see cref="IDeviceTwinGrain.CheckSilence"/>) only once that moment has passed without news, and
/// the twin decides from its own state. A device stays watched while its twin is deactivated. After a restart
/// <c>PendingWorkRecovery</c> watches every device its grid cell last counted online, so a device that never
/// comes back is still found silent.
/// </summary>
public sealed class SilenceWatch(TwinSweep sweep)
{
    /// <summary>Online devices being watched.</summary>
    public int Count => sweep.Count(TwinCall.CheckSilence);

    /// <summary>The device is due to be heard from by <paramref name="due"/>; replaces any earlier expectation.</summary>
    public void Expect(string deviceId, DeviceKind kind, DateTimeOffset due) => sweep.CallAt(deviceId, kind, TwinCall.CheckSilence, due);

    /// <summary>Nothing is expected of the device any more (it went offline, or is gone).</summary>
    public void Forget(string deviceId) => sweep.Forget(deviceId, TwinCall.CheckSilence);
}
