using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

/// <summary>
/// Each silo's watch over the twins whose plain readings wait in memory to be written
/// (<see cref="DeviceTwinOptions.FlushDelay"/>), instead of a grain timer in every twin: a twin with a change
/// pending is entered once, when the change is first made, and the silo's sweep (<see cref="TwinSweep"/>) asks it to
/// write (<see cref="IDeviceTwinGrain.WritePending"/>) once its delay has passed. A twin that wrote meanwhile, or
/// deactivated (which writes), is forgotten.
/// </summary>
public sealed class PendingWrites(TwinSweep sweep)
{
    /// <summary>Twins holding a change to write.</summary>
    public int Count => sweep.Count(TwinCall.WritePending);

    /// <summary>The twin holds a change to write by <paramref name="due"/>.</summary>
    public void WriteBy(string deviceId, DeviceKind kind, DateTimeOffset due) => sweep.CallAt(deviceId, kind, TwinCall.WritePending, due);

    /// <summary>The twin wrote its change, or is going away and writes it now.</summary>
    public void Forget(string deviceId) => sweep.Forget(deviceId, TwinCall.WritePending);
}
