namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// What every device twin does, whatever its kind. Callers reach a twin through
/// <see cref="DeviceTwins.Get"/>, which picks the grain interface for the device's kind.
/// </summary>
public interface IDeviceTwinGrain : IGrainWithStringKey
{
    /// <summary>Sets the device's identity and place; a repeat with the same profile writes nothing.</summary>
    Task Provision(DeviceProfile profile);

    /// <summary>The device opened an MQTT connection; a clean session restarts its sequence numbers.</summary>
    ValueTask ReportConnected(bool cleanSession);

    /// <summary>
    /// Applies a telemetry message in memory and evaluates the kind's thresholds; storage is written
    /// later, not per message. Returns false for a redelivered (deviceId, seq) already applied.
    /// </summary>
    ValueTask<bool> ReportTelemetry(TelemetryReport report);

    /// <summary>
    /// Applies a device's readings in the order given, as <see cref="ReportTelemetry"/> does one: the
    /// gateway's telemetry intake delivers each device's queued readings in one call.
    /// </summary>
    ValueTask<TelemetryApplied> ApplyTelemetry([Immutable] TelemetryReport[] reports);

    /// <summary>
    /// The silence watch found the device due: raises the offline alarm when it has been silent too
    /// long, else watches it again. One-way: the watch never waits on a twin.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    Task CheckSilence();

    /// <summary>
    /// The silo's pending-write sweep found the twin's deferred change due: writes what is still pending.
    /// One-way: the sweep never waits on a twin.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    Task WritePending();

    /// <summary>Records the device's own online/offline statement (status topic or last will).</summary>
    ValueTask ReportStatus(bool online, DateTimeOffset at);

    /// <summary>An alarm the device raises itself (an SOS press, a sensor's own hazard): raises it at once.</summary>
    ValueTask ReportDeviceEvent(DeviceEventReport report);

    /// <summary>
    /// A video AI detection (kind, confidence, when; a snapshot if any), from whichever transport carried it: recorded on
    /// the channel, and its alarm raised (a case, where the catalogue ties the kind to a category) only when it is as
    /// confident as its kind asks and not a repeat within its kind's window (configuration <c>Detections</c>).
    /// </summary>
    ValueTask<DetectionOutcome> ReportDetection(DeviceEventReport detection);

    /// <summary>
    /// Clears an alarm that no reading can clear (an SOS, a detection) once someone has dealt with it;
    /// false when there is no such alarm or it clears itself (a threshold, silence).
    /// </summary>
    Task<bool> ClearAlarm(string kind);

    /// <summary>Sends a command to the device and tracks it until acknowledged, failed or timed out.</summary>
    Task<DeviceCommand> SendCommand(string name, string args, string requestedBy);

    /// <summary>The device's answer on <c>commands/ack</c>; answers to unknown or finished commands are ignored.</summary>
    ValueTask AcknowledgeCommand(string commandId, bool ok, string? failure);

    /// <summary>The most recent commands, newest first.</summary>
    ValueTask<IReadOnlyList<DeviceCommand>> GetCommands();

    /// <summary>The downsampled history of one metric between two times.</summary>
    ValueTask<IReadOnlyList<HistoryPoint>> GetHistory(string metric, DateTimeOffset since, DateTimeOffset until);

    /// <summary>The twin's live state, or null when the device was never provisioned.</summary>
    ValueTask<DeviceSnapshot?> GetSnapshot();

    /// <summary>Sends the alarms stored in the twin's outbox to case intake again; the start-up recovery calls it.</summary>
    Task DeliverPendingAlarms();

    /// <summary>Intake has the report of this key: it leaves the outbox.</summary>
    Task AlarmTaken(string idempotencyKey);
}

/// <summary>A single-purpose sensor: water level, manhole cover, gas, hydrant, air quality, noise, rain gauge.</summary>
public interface ISensorGrain : IDeviceTwinGrain;

/// <summary>A multi-function smart pole (多杆合一): lighting, environment, camera link, broadcast, SOS, charger.</summary>
public interface ISmartPoleGrain : IDeviceTwinGrain;

/// <summary>A video channel (一机一档), keyed by its channel code.</summary>
public interface IVideoChannelGrain : IDeviceTwinGrain;
