using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Devices;

/// <summary>
/// Each silo's sweep over the twins whose plain readings wait in memory to be written
/// (<see cref="DeviceTwinOptions.FlushDelay"/>), instead of a grain timer in every twin: a twin with a change
/// pending is entered once, when the change is first made, and asked to write (<see cref="IDeviceTwinGrain.WritePending"/>)
/// once its delay has passed. A twin that wrote meanwhile, or deactivated (which writes), is forgotten.
/// </summary>
public sealed class PendingWrites(IGrainFactory grains, TimeProvider clock, IServiceProvider services, ILogger<PendingWrites> logger)
    : TwinSweep(grains, clock, services, logger)
{
    /// <summary>The twin holds a change to write by <paramref name="due"/>.</summary>
    public void WriteBy(string deviceId, DeviceKind kind, DateTimeOffset due) => CallAt(deviceId, kind, due);

    protected override Task Call(IDeviceTwinGrain twin) => twin.WritePending();
}
