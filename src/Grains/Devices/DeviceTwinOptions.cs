using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Grains.Devices;

/// <summary>How device twins behave (configuration section <c>Devices</c>).</summary>
public sealed class DeviceTwinOptions
{
    public const string Section = "Devices";

    /// <summary>
    /// How long plain readings may stay only in memory before they are written. A clean shutdown
    /// writes them at once; the delay bounds what a crash loses and keeps storage writes to a few
    /// per device per hour.
    /// </summary>
    public TimeSpan FlushDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The reporting interval assumed for a device whose profile names none.</summary>
    public static readonly TimeSpan DefaultExpectedInterval = TimeSpan.FromSeconds(60);

    /// <summary>A device silent for this many expected intervals is offline (an offline alarm).</summary>
    public double SilenceIntervals { get; set; } = 3;

    /// <summary>How long a command waits for its acknowledgement before it is sent again or times out.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a command is sent before it times out.</summary>
    public int CommandAttempts { get; set; } = 2;
}

/// <summary>The shared services every device twin needs, so the kinds' grains stay one-liners.</summary>
public sealed class DeviceTwinServices(
    TimeProvider clock,
    Rules.RuleSet rules,
    Microsoft.Extensions.Options.IOptions<DeviceTwinOptions> options,
    Interfaces.City.CityCatalogue catalogue,
    Microsoft.Extensions.Logging.ILogger<DeviceTwinGrain> logger,
    SilenceWatch silence,
    PendingWrites pendingWrites,
    Situation.SituationOutbox situation,
    DeviceMetrics metrics,
    Microsoft.Extensions.Options.IOptions<DetectionOptions> detections,
    IServiceProvider services)
{
    /// <summary>Each detection kind's threshold and window (configuration <c>Detections</c>).</summary>
    public DetectionOptions Detections => detections.Value;

    /// <summary>This silo's watch over online devices' silence.</summary>
    public SilenceWatch Silence => silence;

    /// <summary>This silo's sweep over twins whose readings wait to be written.</summary>
    public PendingWrites PendingWrites => pendingWrites;

    /// <summary>This silo's outbox of device changes for the districts' situation feeds.</summary>
    public Situation.SituationOutbox Situation => situation;

    public DeviceMetrics Metrics => metrics;

    public Microsoft.Extensions.Logging.ILogger Logger => logger;

    /// <summary>Ties alarm kinds to event categories, so an alarm that is a case reaches intake.</summary>
    public Interfaces.City.CityCatalogue Catalogue => catalogue;

    public TimeProvider Clock => clock;

    public Rules.RuleSet Rules => rules;

    public DeviceTwinOptions Options => options.Value;

    /// <summary>The twins' named states in the silo's <c>Default</c> grain storage, one store a name.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StateStore> _stores = new(StringComparer.Ordinal);

    /// <summary>A twin's named state in the silo's <c>Default</c> grain storage, read and written when the twin says.</summary>
    public StoredState<TState> Stored<TState>(string name, IAddressable twin)
        where TState : class, new() =>
        new(_stores.GetOrAdd(name, NewStore), twin);

    private StateStore NewStore(string name) => new(services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>("Default"), name, logger);

    /// <summary>The gateway's command sender, when a gateway runs in this process.</summary>
    public Interfaces.Devices.IDeviceCommandSender? CommandSender =>
        services.GetService(typeof(Interfaces.Devices.IDeviceCommandSender)) as Interfaces.Devices.IDeviceCommandSender;
}
