using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

/// <summary>
/// The shared behaviour of every device twin. Telemetry changes memory at line rate; storage is
/// written when something significant changes (provisioning, online/offline) or, for plain
/// readings, once per <see cref="FlushDelay"/> and when the grain deactivates (including a clean
/// shutdown), never once per message.
/// </summary>
public abstract class DeviceTwinGrain(IPersistentState<DeviceTwinState> state, TimeProvider clock) : Grain, IDeviceTwinGrain
{
    /// <summary>How long readings may stay only in memory before they are written.</summary>
    public static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(30);

    private IGrainTimer? _pendingFlush;

    protected DeviceTwinState Twin => state.State;

    public async Task Provision(DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Id != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"Profile of '{profile.Id}' sent to twin '{this.GetPrimaryKeyString()}'.", nameof(profile));
        }

        if (Twin.Profile == profile)
        {
            return;
        }

        Twin.Profile = profile;
        await state.WriteStateAsync();
    }

    public ValueTask ReportTelemetry(TelemetryReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Twin.Profile is null)
        {
            throw new InvalidOperationException($"Device '{this.GetPrimaryKeyString()}' is not provisioned.");
        }

        foreach (var (metric, value) in report.Values)
        {
            // Out-of-order messages must not overwrite a newer reading of the same metric.
            if (!Twin.Values.TryGetValue(metric, out var existing) || existing.Timestamp <= report.Timestamp)
            {
                Twin.Values[metric] = new MetricReading(value, report.Timestamp);
            }
        }

        Twin.LastSeen = clock.GetUtcNow();
        var cameOnline = !Twin.Online;
        Twin.Online = true;
        return cameOnline ? new ValueTask(state.WriteStateAsync()) : ScheduleFlush();
    }

    public async ValueTask ReportStatus(bool online, DateTimeOffset at)
    {
        Twin.LastSeen = clock.GetUtcNow();
        if (Twin.Online == online)
        {
            await ScheduleFlush();
            return;
        }

        Twin.Online = online;
        await state.WriteStateAsync();
    }

    public ValueTask<DeviceSnapshot?> GetSnapshot()
    {
        if (Twin.Profile is not { } profile)
        {
            return ValueTask.FromResult<DeviceSnapshot?>(null);
        }

        return ValueTask.FromResult<DeviceSnapshot?>(new DeviceSnapshot(
            profile.Id,
            profile.Kind,
            profile.Name,
            profile.Longitude,
            profile.Latitude,
            profile.CellCode,
            Twin.Online,
            Twin.LastSeen,
            new Dictionary<string, MetricReading>(Twin.Values),
            []));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_pendingFlush is not null)
        {
            _pendingFlush.Dispose();
            _pendingFlush = null;
            await state.WriteStateAsync(cancellationToken);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private ValueTask ScheduleFlush()
    {
        _pendingFlush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushDelay, Timeout.InfiniteTimeSpan));
        return ValueTask.CompletedTask;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        _pendingFlush?.Dispose();
        _pendingFlush = null;
        await state.WriteStateAsync(cancellationToken);
    }
}

[GenerateSerializer]
public sealed class DeviceTwinState
{
    [Id(0)] public DeviceProfile? Profile { get; set; }
    [Id(1)] public Dictionary<string, MetricReading> Values { get; set; } = [];
    [Id(2)] public DateTimeOffset? LastSeen { get; set; }
    [Id(3)] public bool Online { get; set; }
}
