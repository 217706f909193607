using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Rules;

namespace CityOps.Grains.Devices;

/// <summary>
/// The shared behaviour of every device twin. Telemetry changes memory at line rate; storage is
/// written when something significant changes (provisioning, online/offline, an alarm, a command)
/// or, for plain readings, once per flush delay and when the grain deactivates (including a clean
/// shutdown), never once per message. Chart history lives in a second, less often written state.
/// An alarm that is a case is stored with the twin's own state (its pending reports), in the same
/// write as the alarm itself and before the device is acknowledged, and handed to case intake from
/// there until intake has it; a small third state, the outbox mark, tells the start-up recovery
/// which twins have reports pending.
/// The grain orchestrates: what a reading, an alarm or a command does to the twin's state is decided
/// by <see cref="TwinReadings"/>, <see cref="TwinAlarms"/>, <see cref="TwinCommands"/>,
/// <see cref="AlarmReports"/> and <see cref="TwinViews"/>; the grain decides when to write and whom to tell.
/// </summary>
public abstract class DeviceTwinGrain(DeviceTwinServices services) : Grain, IDeviceTwinGrain, IRemindable
{
    /// <summary>The names the twin's three states are stored under (rows of every version are read by them).</summary>
    public const string TwinStateName = "device", HistoryStateName = "deviceHistory", OutboxStateName = "alarmOutbox";

    /// <summary>The alarm kind of a device that fell silent.</summary>
    public const string OfflineAlarm = TwinAlarms.OfflineAlarm;

    /// <summary>The reminder by which earlier versions watched each online device's silence; removed when it fires.</summary>
    private const string LegacySilenceReminder = "silence";

    // The silo's clock and options are asked of the services shared by every twin, not copied into each (16 bytes a twin).
    // Values, called in place: the fields must stay writable.
    private TwinAlarms _alarms;
    private TwinViews _views;
    private AlarmOutbox? _outbox;
    private StoredState<DeviceTwinState>? _twinRow;
    private StoredState<DeviceHistoryState>? _historyRow;
    private StoredState<AlarmOutboxState>? _outboxMark;
    private bool _outboxMarkRead;
    private CommandDelivery? _commands;
    private bool _historyDirty;

    /// <summary>A change waits in memory for the silo's pending-write sweep (<see cref="PendingWrites"/>) or the deactivation.</summary>
    private bool _writePending;

    // The twin's states are read by the twin itself (StoredState), not by Orleans before activation: a twin whose
    // device was never heard from has no row, and then neither history nor an outbox mark to read.
    private StoredState<DeviceTwinState> TwinRow => _twinRow ??= services.Stored<DeviceTwinState>(TwinStateName, this);

    private StoredState<DeviceHistoryState> HistoryRow => _historyRow ??= services.Stored<DeviceHistoryState>(HistoryStateName, this);

    private StoredState<AlarmOutboxState> OutboxMark => _outboxMark ??= services.Stored<AlarmOutboxState>(OutboxStateName, this);

    private DeviceTwinState Twin => TwinRow.State;

    private CommandDelivery Commands => _commands ??= new(this, TwinRow, services, WriteNowAsync);

    private AlarmOutbox Outbox => _outbox ??= new(this, TwinRow, OutboxMark, GrainFactory, ServiceProvider, services);

    /// <summary>
    /// The device's id: its profile's string once it has one (the instance its registry shard holds), so the twin's many
    /// uses of it allocate nothing and the silo's schedules key the device by a string it already has.
    /// </summary>
    private string DeviceId => Twin.Profile?.Id ?? this.GetPrimaryKeyString();

    private TimeSpan SilenceThreshold => TwinAlarms.SilenceThreshold(Twin.Profile, services.Options.SilenceIntervals);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A device registered with its city and never heard from has no state of its own: its profile is in its
        // registry shard, and its cell already counts it offline without alarms. Nothing is written until it speaks.
        await TwinRow.ReadStateAsync(cancellationToken);
        if (TwinRow.RecordExists)
        {
            // Both are written after the twin's own row, so a twin without one has neither (the recovery reads an orphan mark).
            await HistoryRow.ReadStateAsync(cancellationToken);
            if (Twin.OutboxMarked != false)
            {
                await ReadOutboxMarkAsync(cancellationToken);
            }

            await ShareRegisteredProfileAsync();
        }
        else if (await DeviceRegistry.Of(GrainFactory, DeviceId).GetProfile(DeviceId) is { } registered)
        {
            Twin.Profile = registered;
            Twin.ReportedToCell = ReportedCellStatus.Registered;
        }

        Twin.Compact();
        _views.AnnouncedAll(Twin);
        await CheckSilenceAsync();

        if (TwinCommands.AnyAwaiting(Twin))
        {
            Commands.Resume();
        }

        if (AlarmOutbox.HasWorkOnActivation(Twin, _outboxMarkRead ? OutboxMark : null))
        {
            await Outbox.ActivateAsync(cancellationToken);
        }
    }

    public async Task Provision(DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Id != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"Profile of '{profile.Id}' sent to twin '{this.GetPrimaryKeyString()}'.", nameof(profile));
        }

        if (Twin.Profile == profile && Twin.ReportedToCell is not null)
        {
            return;
        }

        var previousCell = Twin.Profile?.CellCode;
        Twin.Profile = profile;
        Twin.ReportedToCell = null;
        await WriteNowAsync();
        if (previousCell is not null && previousCell != profile.CellCode)
        {
            await GrainFactory.GetGrain<IGridCellGrain>(previousCell).RemoveDevice(DeviceId);
        }
    }

    public ValueTask ReportConnected(bool cleanSession)
    {
        // With a clean session the broker redelivers nothing, so a restarted device may count from 1 again.
        if (cleanSession)
        {
            Twin.Seqs = default;
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask<bool> ReportTelemetry(TelemetryReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var applied = await ApplyTelemetry([report]);
        if (applied.Refused > 0)
        {
            throw new InvalidOperationException($"Device '{DeviceId}' would have more than {TwinReadings.MaxMetrics} metrics.");
        }

        return applied.Duplicates == 0;
    }

    public async ValueTask<TelemetryApplied> ApplyTelemetry(TelemetryReport[] reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var profile = RequireProfile();
        var now = services.Clock.GetUtcNow();
        var rules = services.Rules.For(profile.Kind);
        var metricHistory = new MetricHistory(HistoryRow.State);
        var (duplicates, refused, alarmsChanged) = (0, 0, false);
        foreach (var report in reports)
        {
            if (!TwinReadings.IsNew(Twin, report))
            {
                duplicates++;
                continue;
            }

            if (TwinReadings.WouldExceedMetrics(Twin, report))
            {
                refused++;
                continue;
            }

            alarmsChanged |= TwinReadings.Apply(Twin, metricHistory, report, now, (Grain: this, Rules: rules), static (s, metric, value, at) => s.Grain.ApplyRules(s.Rules, metric, value, at));
            _historyDirty |= report.Values.Count > 0;
            services.Metrics.ReadingApplied(report.Timestamp, now);
        }

        if (duplicates + refused == reports.Length)
        {
            return new TelemetryApplied(duplicates, refused);
        }

        Heard(now);
        alarmsChanged |= Twin.HasAlarm(OfflineAlarm);
        var cameOnline = TwinAlarms.MarkOnline(Twin);
        await StoreAsync(alarmsChanged, cameOnline);
        PublishSituation();
        return new TelemetryApplied(duplicates, refused);
    }

    private bool ApplyRules(IReadOnlyList<ThresholdRule> rules, string metric, double value, DateTimeOffset at) => _alarms.ApplyRules(Twin, rules, metric, value, at);

    public async ValueTask ReportStatus(bool online, DateTimeOffset at)
    {
        RequireProfile();
        Heard(services.Clock.GetUtcNow());
        var changed = online ? TwinAlarms.MarkOnline(Twin) : MarkOffline(raiseAlarm: false);
        if (changed)
        {
            await WriteNowAsync();
        }
        else
        {
            WriteLater();
        }

        PublishSituation();
    }

    public async ValueTask ReportDeviceEvent(DeviceEventReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var (wasSilent, cameOnline) = HeardOf(report);

        // An alarm repeated while it stands is news for memory, not for storage.
        var isNew = _alarms.RaiseDeviceEvent(Twin, DeviceId, report);
        await StoreAsync(isNew || wasSilent, cameOnline);
        PublishSituation();
    }

    public async ValueTask<DetectionOutcome> ReportDetection(DeviceEventReport detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        var (wasSilent, cameOnline) = HeardOf(detection);

        // Only a raised detection is written at once; the others are news for memory, written with the next write.
        var outcome = TwinDetections.Record(Twin, detection, services.Detections.For(detection.Kind));
        if (outcome == DetectionOutcome.Repeated)
        {
            TwinAlarms.Refresh(Twin, detection);
        }

        var raised = outcome == DetectionOutcome.Raised && _alarms.RaiseDetection(Twin, DeviceId, detection);
        services.Metrics.Detected(detection.Kind, outcome);
        await StoreAsync(raised || wasSilent, cameOnline);
        PublishSituation();
        return outcome;
    }

    /// <summary>The device told of something that happened: it is online, and its snapshot, if any, is the latest.</summary>
    private (bool WasSilent, bool CameOnline) HeardOf(DeviceEventReport report)
    {
        RequireProfile();
        Heard(services.Clock.GetUtcNow());
        var wasSilent = Twin.HasAlarm(OfflineAlarm);
        var cameOnline = TwinAlarms.MarkOnline(Twin);
        if (report.Snapshot is not null)
        {
            Twin.LatestSnapshot = report.Snapshot;
        }

        return (wasSilent, cameOnline);
    }

    /// <summary>
    /// Stores an alarm raised or cleared at once (with its reports, before the device's acknowledgement);
    /// a device that only came online is told to its grid cell at once, one-way, and written later with
    /// its readings, since a crash that forgets it came online costs nothing its next message does not mend.
    /// </summary>
    private async Task StoreAsync(bool alarmsChanged, bool cameOnline)
    {
        if (alarmsChanged)
        {
            await StoreChangeAsync();
            return;
        }

        if (cameOnline && ReportedCellStatus.Of(Twin) is { } status && !status.Equals(Twin.ReportedToCell))
        {
            // Not awaited: the cell may be waiting for its turn at storage, and the readings must not wait with it.
            await GrainFactory.GetGrain<IGridCellGrain>(Twin.Profile!.CellCode).DeviceCameOnline(status.ToStatus(DeviceId, Twin.Profile.Kind));
            Twin.ReportedToCell = status;
        }

        WriteLater();
    }

    public async Task<bool> ClearAlarm(string kind)
    {
        if (!TwinAlarms.Clear(Twin, kind))
        {
            return false;
        }

        await WriteNowAsync();
        PublishSituation();
        return true;
    }

    public Task<DeviceCommand> SendCommand(string name, string args, string requestedBy)
    {
        // Whoever asks, a device is sent only a command it takes, as its registration says (the API asks first, for its 400).
        if (CommandValidator.Problem(RequireProfile(), name, args) is { } problem)
        {
            throw new ArgumentException($"Device '{DeviceId}': {problem}", nameof(name));
        }

        return Commands.SendAsync(name, args, requestedBy);
    }

    public async ValueTask AcknowledgeCommand(string commandId, bool ok, string? failure) =>
        await Commands.AcknowledgeAsync(commandId, ok, failure);

    public ValueTask<IReadOnlyList<DeviceCommand>> GetCommands() =>
        ValueTask.FromResult<IReadOnlyList<DeviceCommand>>([.. Twin.Commands]);

    public ValueTask<IReadOnlyList<HistoryPoint>> GetHistory(string metric, DateTimeOffset since, DateTimeOffset until) =>
        ValueTask.FromResult(new MetricHistory(HistoryRow.State).Query(metric, since, until));

    public ValueTask<DeviceSnapshot?> GetSnapshot() =>
        ValueTask.FromResult(Twin.Profile is { } profile ? TwinViews.Snapshot(Twin, profile) : null);

    public Task CheckSilence() => CheckSilenceAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Earlier versions kept a reminder per online device; the silence watch does its work now.
        if (reminderName == LegacySilenceReminder)
        {
            if (await this.GetReminder(LegacySilenceReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            await CheckSilenceAsync();
        }
    }

    public async Task WritePending()
    {
        if (!_writePending)
        {
            return;
        }

        _writePending = false;
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch
        {
            WriteLater();
            throw;
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_writePending)
        {
            _writePending = false;
            services.PendingWrites.Forget(DeviceId);
            await FlushAsync(cancellationToken);
        }
        else if (_historyDirty)
        {
            _historyDirty = false;
            await HistoryRow.WriteStateAsync(cancellationToken);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private DeviceProfile RequireProfile() =>
        Twin.Profile ?? throw new InvalidOperationException($"Device '{DeviceId}' is not provisioned.");

    public async Task DeliverPendingAlarms()
    {
        // The start-up recovery found the twin's mark: one its twin never stored (a crash between the two writes) is read now, and removed.
        if (!_outboxMarkRead)
        {
            await ReadOutboxMarkAsync(CancellationToken.None);
            await Outbox.ActivateAsync(CancellationToken.None);
        }

        Outbox.SendSoon();
    }

    private async Task ReadOutboxMarkAsync(CancellationToken cancellationToken)
    {
        await OutboxMark.ReadStateAsync(cancellationToken);
        _outboxMarkRead = true;

        // A row from before the flag was kept learns it here, and is written with the twin's next write.
        Twin.OutboxMarked = OutboxMark.RecordExists;
    }

    /// <summary>
    /// A twin read from its row holds its own copy of the profile its registry shard holds too. When the two are equal
    /// it keeps the shard's, whose parts it shares with other devices (<see cref="ProfileParts"/>): with the shard's own
    /// sharing, about 600 bytes a device in a restarted city (docs/performance.md, "A million devices within 4 GB").
    /// A profile provisioned apart from the city's file stays the twin's.
    /// </summary>
    private async Task ShareRegisteredProfileAsync()
    {
        if (Twin.Profile is not { } own)
        {
            return;
        }

        try
        {
            if (await DeviceRegistry.Of(GrainFactory, own.Id).GetProfile(own.Id) is { } registered && registered == own)
            {
                Twin.Profile = registered;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Only memory is at stake: a twin whose shard cannot answer now keeps its own copy.
        }
    }

    public async Task AlarmTaken(string idempotencyKey)
    {
        if (Outbox.Take(idempotencyKey))
        {
            WriteLater();
            await Outbox.ClearIfEmptyAsync();
        }
    }

    /// <summary>
    /// Stores a significant change, the outbox first. Should a write fail, the twin lets go of its
    /// memory: the device, not acknowledged, sends the message again, and the alarm is raised again
    /// from what storage holds instead of standing in memory with no case behind it.
    /// </summary>
    private async Task StoreChangeAsync()
    {
        try
        {
            await Outbox.AddAsync(_alarms.TakeRaised());
            await WriteNowAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// Tells the situation feeds, through this silo's outbox, the twin's state and the alarms raised
    /// since it last told them: only what a map marker shows, handed over in memory, so a reading
    /// costs no message and never waits on the dashboards.
    /// </summary>
    private void PublishSituation()
    {
        if (Twin.Profile is { } profile)
        {
            var (device, raised) = _views.Situation(Twin, profile);
            services.Situation.DeviceChanged(device, raised);
        }
    }

    /// <summary>The device was heard from: it is due again one silence threshold from now.</summary>
    private void Heard(DateTimeOffset now)
    {
        Twin.LastSeen = now;
        services.Silence.Expect(DeviceId, Twin.Profile!.Kind, now + SilenceThreshold);
    }

    private bool MarkOffline(bool raiseAlarm)
    {
        services.Silence.Forget(DeviceId);
        return TwinAlarms.MarkOffline(Twin, raiseAlarm, services.Clock.GetUtcNow());
    }

    /// <summary>Raises the offline alarm when an online device has been silent too long; otherwise keeps it watched.</summary>
    private async Task CheckSilenceAsync()
    {
        if (!Twin.Online || Twin.Profile is not { } profile)
        {
            return;
        }

        var lastSeen = Twin.LastSeen ?? DateTimeOffset.MinValue;
        if (services.Clock.GetUtcNow() - lastSeen <= SilenceThreshold)
        {
            services.Silence.Expect(DeviceId, profile.Kind, lastSeen + SilenceThreshold);
            return;
        }

        MarkOffline(raiseAlarm: true);
        await WriteNowAsync();
        PublishSituation();
    }

    /// <summary>Writes a significant change at once and tells the grid cell when what it counts changed.</summary>
    private async Task WriteNowAsync()
    {
        if (_writePending)
        {
            _writePending = false;
            services.PendingWrites.Forget(DeviceId);
        }

        await TellCellAsync();
        await TwinRow.WriteStateAsync();

        // The chart history is written with the next plain write, not with every alarm.
        if (_historyDirty)
        {
            WriteLater();
        }
    }

    /// <summary>A change that may wait: written within the flush delay by the silo's sweep, or when the twin deactivates.</summary>
    private void WriteLater()
    {
        if (_writePending)
        {
            return;
        }

        _writePending = true;

        // A twin without a profile has nothing the sweep could name it by; its deactivation writes the change.
        if (Twin.Profile is { } profile)
        {
            services.PendingWrites.WriteBy(DeviceId, profile.Kind, services.Clock.GetUtcNow() + services.Options.FlushDelay);
        }
    }

    /// <summary>Tells the grid cell the device's online state and alarm severities when they changed since it was last told.</summary>
    private async Task TellCellAsync()
    {
        var cellStatus = ReportedCellStatus.Of(Twin);
        if (cellStatus is not null && !cellStatus.Equals(Twin.ReportedToCell))
        {
            await GrainFactory.GetGrain<IGridCellGrain>(Twin.Profile!.CellCode).UpdateDevice(cellStatus.ToStatus(DeviceId, Twin.Profile.Kind));
            Twin.ReportedToCell = cellStatus;
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        await TwinRow.WriteStateAsync(cancellationToken);
        if (_historyDirty)
        {
            _historyDirty = false;
            await HistoryRow.WriteStateAsync(cancellationToken);
        }
    }
}
