namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// What every device twin does, whatever its kind. Callers reach a twin through
/// <see cref="DeviceTwins.Get"/>, which picks the grain interface for the device's kind.
/// </summary>
public interface IDeviceTwinGrain : IGrainWithStringKey
{
    /// <summary>Sets the device's identity and place; a repeat with the same profile writes nothing.</summary>
    Task Provision(DeviceProfile profile);

    /// <summary>Applies a telemetry message in memory; storage is written later, not per message.</summary>
    ValueTask ReportTelemetry(TelemetryReport report);

    /// <summary>Records the device's own online/offline statement (status topic or last will).</summary>
    ValueTask ReportStatus(bool online, DateTimeOffset at);

    /// <summary>The twin's live state, or null when the device was never provisioned.</summary>
    ValueTask<DeviceSnapshot?> GetSnapshot();
}

/// <summary>A single-purpose sensor: water level, manhole cover, gas, hydrant, air quality, noise, rain gauge.</summary>
public interface ISensorGrain : IDeviceTwinGrain;

/// <summary>A multi-function smart pole (多杆合一): lighting, environment, camera link, broadcast, SOS, charger.</summary>
public interface ISmartPoleGrain : IDeviceTwinGrain;

/// <summary>A video channel (一机一档), keyed by its channel code.</summary>
public interface IVideoChannelGrain : IDeviceTwinGrain;
