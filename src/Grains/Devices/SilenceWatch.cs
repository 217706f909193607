using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Devices;

/// <summary>
/// Each silo's watch over its online devices' silence, instead of a reminder and a timer per device. A twin
/// tells the watch, with every message, when its device is due next; the sweep asks a twin to check itself
/// (<see cref="IDeviceTwinGrain.CheckSilence"/>) only once that moment has passed without news, and the twin
/// decides from its own state. A device stays watched while its twin is deactivated. After a restart
/// <c>PendingWorkRecovery</c> watches every device its grid cell last counted online, so a device that never
/// comes back is still found silent.
/// </summary>
public sealed class SilenceWatch(IGrainFactory grains, TimeProvider clock, IServiceProvider services, ILogger<SilenceWatch> logger)
    : TwinSweep(grains, clock, services, logger)
{
    /// <summary>The device is due to be heard from by <paramref name="due"/>; replaces any earlier expectation.</summary>
    public void Expect(string deviceId, DeviceKind kind, DateTimeOffset due) => CallAt(deviceId, kind, due);

    /// <summary>The twin watches itself again when its device turns out not to be due yet.</summary>
    protected override Task Call(IDeviceTwinGrain twin) => twin.CheckSilence();
}
