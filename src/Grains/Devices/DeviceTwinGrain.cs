using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;
using CityOps.Grains.Rules;
using Microsoft.Extensions.Logging;

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
/// </summary>
public abstract class DeviceTwinGrain(
    IPersistentState<DeviceTwinState> state,
    IPersistentState<DeviceHistoryState> history,
    IPersistentState<AlarmOutboxState> outbox,
    DeviceTwinServices services) : Grain, IDeviceTwinGrain, IRemindable
{
    /// <summary>The alarm kind of a device that fell silent.</summary>
    public const string OfflineAlarm = "device_offline";

    /// <summary>The reminder by which earlier versions watched each online device's silence; removed when it fires.</summary>
    private const string LegacySilenceReminder = "silence";
    private const int CommandsKept = 50;

    /// <summary>An alarm intake has not confirmed is sent again after this, doubling each time up to <see cref="OutboxRetryMax"/>.</summary>
    private static readonly TimeSpan OutboxRetry = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan OutboxRetryMax = TimeSpan.FromMinutes(2);

    /// <summary>Bounds the alarms a device raises by itself (SOS, detections), whose kinds it names.</summary>
    private const int MaxEventAlarms = 16;

    /// <summary>Bounds the metrics one twin keeps, whatever names a device sends.</summary>
    private const int MaxMetrics = DeviceIds.MaxMetrics;

    private readonly TimeProvider _clock = services.Clock;
    private readonly DeviceTwinOptions _options = services.Options;
    private DeferredWrite? _deferred;
    private IGrainTimer? _commandTimer;
    private IGrainTimer? _outboxTimer;
    private int _outboxSends;
    private bool _historyDirty;
    private List<DeviceAlarm>? _raised;

    /// <summary>The alarms (kind and when raised) the situation feed was last told of, to tell it which are new.</summary>
    private Dictionary<string, DateTimeOffset> _announced = [];

    private DeviceTwinState Twin => state.State;

    private DeferredWrite Deferred => _deferred ??= new(this, FlushAsync, _options.FlushDelay);

    private string DeviceId => this.GetPrimaryKeyString();

    private TimeSpan SilenceThreshold => TimeSpan.FromSeconds(Math.Max(1, Twin.Profile?.ExpectedIntervalSeconds ?? DeviceTwinOptions.DefaultExpectedInterval.TotalSeconds) * _options.SilenceIntervals);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A device registered with its city and never heard from has no state of its own: its profile is in its
        // registry shard, and its cell already counts it offline without alarms. Nothing is written until it speaks.
        if (!state.RecordExists && await DeviceRegistry.Of(GrainFactory, DeviceId).GetProfile(DeviceId) is { } registered)
        {
            Twin.Profile = registered;
            Twin.ReportedToCell = ReportedCellStatus.Registered;
        }

        _announced = Twin.Alarms.ToDictionary(a => a.Key, a => a.Value.RaisedAt);
        await CheckSilenceAsync();

        if (Twin.Commands.Any(c => c.State is CommandState.Sent or CommandState.Retried))
        {
            StartCommandTimer();
        }

        // Reports stored in the mark by earlier versions join the twin's own.
        if (outbox.State.Reports.Count > 0)
        {
            Twin.PendingReports.AddRange(outbox.State.Reports.Where(r => !Twin.PendingReports.Any(p => p.IdempotencyKey == r.IdempotencyKey)));
            outbox.State.Reports.Clear();
        }

        if (Twin.PendingReports.Count > 0)
        {
            DeliverOutboxSoon();
        }
        else if (outbox.RecordExists)
        {
            // A mark without reports: the change it announced was never stored.
            await outbox.ClearStateAsync(cancellationToken);
        }
    }

    public async Task Provision(DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Id != DeviceId)
        {
            throw new ArgumentException($"Profile of '{profile.Id}' sent to twin '{DeviceId}'.", nameof(profile));
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
            throw new InvalidOperationException($"Device '{DeviceId}' would have more than {MaxMetrics} metrics.");
        }

        return applied.Duplicates == 0;
    }

    public async ValueTask<TelemetryApplied> ApplyTelemetry(TelemetryReport[] reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var profile = RequireProfile();
        var now = _clock.GetUtcNow();
        var (duplicates, refused, alarmsChanged) = (0, 0, false);
        foreach (var report in reports)
        {
            if (report.Seq is { } seq && !RememberSeq(seq))
            {
                duplicates++;
                continue;
            }

            if (Twin.Values.Count + report.Values.Count > MaxMetrics && report.Values.Keys.Count(m => !Twin.Values.ContainsKey(m)) + Twin.Values.Count > MaxMetrics)
            {
                refused++;
                continue;
            }

            alarmsChanged |= Apply(profile, report, now);
            services.Metrics.ReadingApplied(report.Timestamp, now);
        }

        if (duplicates + refused == reports.Length)
        {
            return new TelemetryApplied(duplicates, refused);
        }

        Heard(now);
        alarmsChanged |= Twin.Alarms.ContainsKey(OfflineAlarm);
        var cameOnline = MarkOnline();
        await StoreAsync(alarmsChanged, cameOnline);
        PublishSituation();
        return new TelemetryApplied(duplicates, refused);
    }

    /// <summary>Applies one reading's values and the thresholds on them; true when an alarm was raised or cleared.</summary>
    private bool Apply(DeviceProfile profile, TelemetryReport report, DateTimeOffset now)
    {
        var alarmsChanged = false;
        var metricHistory = new MetricHistory(history.State.Metrics);
        foreach (var (metric, value) in report.Values)
        {
            // Out-of-order messages must not overwrite a newer reading of the same metric.
            if (!Twin.Values.TryGetValue(metric, out var existing) || existing.Timestamp <= report.Timestamp)
            {
                Twin.Values[metric] = new MetricReading(value, report.Timestamp);
                alarmsChanged |= EvaluateRules(profile, metric, value, report.Timestamp);
            }

            metricHistory.Add(metric, value, report.Timestamp, now);
            _historyDirty = true;
        }

        return alarmsChanged;
    }

    public async ValueTask ReportStatus(bool online, DateTimeOffset at)
    {
        RequireProfile();
        Heard(_clock.GetUtcNow());
        var changed = online ? MarkOnline() : MarkOffline(raiseAlarm: false);
        if (changed)
        {
            await WriteNowAsync();
        }
        else
        {
            ScheduleFlush();
        }

        PublishSituation();
    }

    public async ValueTask ReportDeviceEvent(DeviceEventReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        RequireProfile();
        Heard(_clock.GetUtcNow());
        var wasSilent = Twin.Alarms.ContainsKey(OfflineAlarm);
        var cameOnline = MarkOnline();
        if (report.Snapshot is not null)
        {
            Twin.LatestSnapshot = report.Snapshot;
        }

        // A detection repeated while its alarm stands is news for memory, not for storage.
        var isNew = !Twin.Alarms.ContainsKey(report.Kind);
        if (isNew && Twin.Alarms.Count(a => a.Value.Metric is null) >= MaxEventAlarms)
        {
            throw new InvalidOperationException($"Device '{DeviceId}' already has {MaxEventAlarms} standing alarms of its own.");
        }

        var severity = report.Kind == "sos" ? AlarmSeverity.Critical : AlarmSeverity.Major;
        Twin.Alarms[report.Kind] = new DeviceAlarm(report.Kind, severity, isNew ? report.At : Twin.Alarms[report.Kind].RaisedAt, null, report.Confidence);
        if (isNew)
        {
            (_raised ??= []).Add(Twin.Alarms[report.Kind]);
        }

        await StoreAsync(isNew || wasSilent, cameOnline);
        PublishSituation();
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

        if (cameOnline && CellStatus() is { } status && !status.Equals(Twin.ReportedToCell))
        {
            // Not awaited: the cell may be waiting for its turn at storage, and the readings must not wait with it.
            await GrainFactory.GetGrain<IGridCellGrain>(Twin.Profile!.CellCode).DeviceCameOnline(status.ToStatus(DeviceId, Twin.Profile.Kind));
            Twin.ReportedToCell = status;
        }

        ScheduleFlush();
    }

    public async Task<bool> ClearAlarm(string kind)
    {
        // Thresholds and silence clear themselves when readings recover; only the device's own alarms need a person.
        if (!Twin.Alarms.TryGetValue(kind, out var alarm) || alarm.Metric is not null || kind == OfflineAlarm)
        {
            return false;
        }

        Twin.Alarms.Remove(kind);

        await WriteNowAsync();
        PublishSituation();
        return true;
    }

    public async Task<DeviceCommand> SendCommand(string name, string args, string requestedBy)
    {
        RequireProfile();
        var sender = services.CommandSender
            ?? throw new InvalidOperationException("No device gateway runs in this process to deliver commands.");
        var command = new DeviceCommand(Guid.NewGuid().ToString("N"), name, args, CommandState.Sent, 1, _clock.GetUtcNow(), null, null, requestedBy);
        Twin.Commands.Insert(0, command);
        if (Twin.Commands.Count > CommandsKept)
        {
            Twin.Commands.RemoveRange(CommandsKept, Twin.Commands.Count - CommandsKept);
        }

        await WriteNowAsync();
        await sender.SendAsync(DeviceId, command, CancellationToken.None);
        StartCommandTimer();
        return command;
    }

    public async ValueTask AcknowledgeCommand(string commandId, bool ok, string? failure)
    {
        var index = Twin.Commands.FindIndex(c => c.Id == commandId);
        if (index < 0 || Twin.Commands[index].State is not (CommandState.Sent or CommandState.Retried))
        {
            return;
        }

        Twin.Commands[index] = Twin.Commands[index] with
        {
            State = ok ? CommandState.Acknowledged : CommandState.Failed,
            AnsweredAt = _clock.GetUtcNow(),
            Error = ok ? null : failure ?? "device reported failure",
        };
        await WriteNowAsync();
    }

    public ValueTask<IReadOnlyList<DeviceCommand>> GetCommands() =>
        ValueTask.FromResult<IReadOnlyList<DeviceCommand>>([.. Twin.Commands]);

    public ValueTask<IReadOnlyList<HistoryPoint>> GetHistory(string metric, DateTimeOffset since, DateTimeOffset until) =>
        ValueTask.FromResult(new MetricHistory(history.State.Metrics).Query(metric, since, until));

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
            [.. Twin.Alarms.Values.OrderBy(a => a.RaisedAt)],
            profile.ExpectedIntervalSeconds,
            profile.Video,
            profile.Modules,
            Twin.LatestSnapshot));
    }

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

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await Deferred.FlushIfPendingAsync(cancellationToken);
        if (_historyDirty)
        {
            await history.WriteStateAsync(cancellationToken);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private DeviceProfile RequireProfile() =>
        Twin.Profile ?? throw new InvalidOperationException($"Device '{DeviceId}' is not provisioned.");

    /// <summary>Returns false when the sequence number was seen recently (a redelivery).</summary>
    private bool RememberSeq(long seq)
    {
        (Twin.Seqs, var isNew) = Twin.Seqs.Accept(seq);
        return isNew;
    }

    /// <summary>Runs the kind's thresholds for one metric; true when an alarm was raised or cleared.</summary>
    private bool EvaluateRules(DeviceProfile profile, string metric, double value, DateTimeOffset at)
    {
        var changed = false;
        foreach (var rule in services.Rules.For(profile.Kind))
        {
            if (rule.Metric != metric)
            {
                continue;
            }

            var key = rule.Key;
            var (next, transition) = RuleEvaluator.Evaluate(rule, Twin.RuleStates.GetValueOrDefault(key, RuleState.Idle), value, at);
            Twin.RuleStates[key] = next;
            switch (transition)
            {
                case RuleTransition.Raise:
                    Twin.Alarms[rule.Alarm] = new DeviceAlarm(rule.Alarm, rule.Severity, at, metric, value);
                    (_raised ??= []).Add(Twin.Alarms[rule.Alarm]);
                    changed = true;
                    break;
                case RuleTransition.Clear:
                    changed |= Twin.Alarms.Remove(rule.Alarm);
                    break;
            }
        }

        return changed;
    }

    public Task DeliverPendingAlarms()
    {
        if (Twin.PendingReports.Count > 0)
        {
            DeliverOutboxSoon();
        }

        return Task.CompletedTask;
    }

    public async Task AlarmTaken(string idempotencyKey)
    {
        if (Twin.PendingReports.RemoveAll(r => r.IdempotencyKey == idempotencyKey) == 0)
        {
            return;
        }

        // Written later: should the engine stop first, the report is sent again and intake knows it.
        ScheduleFlush();
        if (Twin.PendingReports.Count > 0)
        {
            return;
        }

        _outboxTimer?.Dispose();
        _outboxTimer = null;
        _outboxSends = 0;
        if (outbox.RecordExists)
        {
            await outbox.ClearStateAsync();
        }
    }

    /// <summary>
    /// Puts each alarm just raised whose kind the catalogue ties to a category among the twin's pending
    /// reports, which the twin's own write stores with the alarm, and marks the twin in the outbox
    /// first, so the start-up recovery finds it; all before the device's acknowledgement. A timer then
    /// sends it to intake through the alarm courier, so a device's readings never wait on case work.
    /// The alarm's id is the report's key: a report intake already took is taken again as the same one.
    /// </summary>
    private async Task StoreRaisedAlarmsAsync()
    {
        if (_raised is not { Count: > 0 } raised)
        {
            return;
        }

        _raised = null;
        var profile = Twin.Profile!;
        var added = false;
        foreach (var alarm in raised)
        {
            if (services.Catalogue.ForAlarm(alarm.Kind) is not { } category)
            {
                continue;
            }

            var description = alarm.Metric is { } metric ? $"{alarm.Kind}: {metric} = {alarm.Value}" : alarm.Kind;
            var channel = profile.Kind == DeviceKind.Camera ? EventChannel.Video : EventChannel.Sensor;
            var location = new EventLocation(profile.Longitude, profile.Latitude, profile.CellCode);
            var key = $"alarm:{DeviceId}:{alarm.Kind}:{alarm.RaisedAt.UtcTicks}";
            // The engine's clock, not the device's: a device's clock decides no case number or duplicate window.
            Twin.PendingReports.Add(new EventReport(category.Code, location, description, channel, DeviceId, _clock.GetUtcNow(), Origin: "device:" + DeviceId, IdempotencyKey: key));
            added = true;
        }

        if (added)
        {
            if (!outbox.RecordExists || outbox.State.DeviceId is null)
            {
                outbox.State.DeviceId = DeviceId;
                outbox.State.Kind = profile.Kind;
                await outbox.WriteStateAsync();
            }

            DeliverOutboxSoon();
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
            await StoreRaisedAlarmsAsync();
            await WriteNowAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Sends the outbox now (a new alarm, an activation, the recovery), whatever back-off was running.</summary>
    private void DeliverOutboxSoon()
    {
        _outboxSends = 0;
        if (_outboxTimer is { } timer)
        {
            timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            return;
        }

        _outboxTimer = this.RegisterGrainTimer(
            _ => SendOutboxAsync(),
            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>
    /// Sends every report in the outbox to the courier (one-way) and looks again after a back-off
    /// (5 s doubling to 2 min, with jitter), so a storm of alarms does not flood a busy intake with
    /// repeats. <see cref="AlarmTaken"/> empties the outbox as intake confirms.
    /// </summary>
    private async Task SendOutboxAsync()
    {
        if (EngineStopping.Began(ServiceProvider) || Twin.PendingReports.Count == 0)
        {
            return;
        }

        var courier = GrainFactory.GetGrain<IAlarmCourierGrain>(0);
        var kind = Twin.Profile?.Kind ?? outbox.State.Kind;
        foreach (var report in Twin.PendingReports.ToList())
        {
            await courier.Deliver(kind, DeviceId, report);
        }

        var backoff = OutboxRetry * Math.Pow(2, Math.Min(_outboxSends++, 8));
        var delay = (backoff < OutboxRetryMax ? backoff : OutboxRetryMax) * (1 + (Random.Shared.NextDouble() / 5));
        _outboxTimer?.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Tells the situation feeds, through this silo's outbox, the twin's state and the alarms raised
    /// since it last told them: only what a map marker shows, handed over in memory, so a reading
    /// costs no message and never waits on the dashboards.
    /// </summary>
    private void PublishSituation()
    {
        if (Twin.Profile is not { } profile)
        {
            return;
        }

        List<RaisedAlarm>? raised = null;
        foreach (var alarm in Twin.Alarms.Values)
        {
            if (!_announced.TryGetValue(alarm.Kind, out var raisedAt) || raisedAt != alarm.RaisedAt)
            {
                (raised ??= []).Add(new RaisedAlarm(DeviceId, alarm.Kind, alarm.Severity, alarm.RaisedAt, profile.CellCode, profile.Longitude, profile.Latitude));
            }
        }

        var alarmsChanged = raised is not null || _announced.Keys.Any(kind => !Twin.Alarms.ContainsKey(kind));
        if (alarmsChanged)
        {
            _announced = Twin.Alarms.ToDictionary(a => a.Key, a => a.Value.RaisedAt);
        }

        var device = new DeviceSituation(
            profile.Id,
            profile.Kind,
            profile.Name,
            profile.Longitude,
            profile.Latitude,
            profile.CellCode,
            Twin.Online,
            Twin.LastSeen,
            Twin.Values.ToDictionary(v => v.Key, v => v.Value.Value),
            [.. Twin.Alarms.Values.OrderBy(a => a.RaisedAt)],
            alarmsChanged);
        services.Situation.DeviceChanged(device, raised);
    }

    /// <summary>The device was heard from: it is due again one silence threshold from now.</summary>
    private void Heard(DateTimeOffset now)
    {
        Twin.LastSeen = now;
        services.Silence.Expect(DeviceId, Twin.Profile!.Kind, now + SilenceThreshold);
    }

    /// <summary>Returns true when the device was offline until now.</summary>
    private bool MarkOnline()
    {
        var wasSilent = Twin.Alarms.Remove(OfflineAlarm);
        if (Twin.Online)
        {
            return wasSilent;
        }

        Twin.Online = true;
        return true;
    }

    /// <summary>Returns true when the device was online until now.</summary>
    private bool MarkOffline(bool raiseAlarm)
    {
        if (raiseAlarm)
        {
            Twin.Alarms[OfflineAlarm] = new DeviceAlarm(OfflineAlarm, AlarmSeverity.Minor, _clock.GetUtcNow(), null, null);
        }

        services.Silence.Forget(DeviceId);
        if (!Twin.Online)
        {
            return raiseAlarm;
        }

        Twin.Online = false;
        return true;
    }

    /// <summary>Raises the offline alarm when an online device has been silent too long; otherwise keeps it watched.</summary>
    private async Task CheckSilenceAsync()
    {
        if (!Twin.Online || Twin.Profile is not { } profile)
        {
            return;
        }

        var lastSeen = Twin.LastSeen ?? DateTimeOffset.MinValue;
        if (_clock.GetUtcNow() - lastSeen <= SilenceThreshold)
        {
            services.Silence.Expect(DeviceId, profile.Kind, lastSeen + SilenceThreshold);
            return;
        }

        MarkOffline(raiseAlarm: true);
        await WriteNowAsync();
        PublishSituation();
    }

    private void StartCommandTimer()
    {
        _commandTimer ??= this.RegisterGrainTimer(
            _ => CheckCommandsAsync(),
            new GrainTimerCreationOptions(_options.CommandTimeout / 4, _options.CommandTimeout / 4) { KeepAlive = true });
    }

    /// <summary>Sends unanswered commands again, then gives them up as timed out.</summary>
    private async Task CheckCommandsAsync()
    {
        var now = _clock.GetUtcNow();
        var changed = false;
        for (var i = 0; i < Twin.Commands.Count; i++)
        {
            var command = Twin.Commands[i];
            if (command.State is not (CommandState.Sent or CommandState.Retried)
                || now - command.CreatedAt < _options.CommandTimeout * command.Attempts)
            {
                continue;
            }

            changed = true;
            if (command.Attempts < _options.CommandAttempts && services.CommandSender is { } sender)
            {
                Twin.Commands[i] = command with { State = CommandState.Retried, Attempts = command.Attempts + 1 };
                await sender.SendAsync(DeviceId, Twin.Commands[i], CancellationToken.None);
            }
            else
            {
                Twin.Commands[i] = command with { State = CommandState.TimedOut, AnsweredAt = now, Error = "no acknowledgement" };
            }
        }

        if (!Twin.Commands.Any(c => c.State is CommandState.Sent or CommandState.Retried))
        {
            _commandTimer?.Dispose();
            _commandTimer = null;
        }

        if (changed)
        {
            await WriteNowAsync();
        }
    }

    /// <summary>Writes a significant change at once and tells the grid cell when what it counts changed.</summary>
    private async Task WriteNowAsync()
    {
        Deferred.Cancel();
        await TellCellAsync();
        await state.WriteStateAsync();
    }

    /// <summary>Tells the grid cell the device's online state and alarm severities when they changed since it was last told.</summary>
    private async Task TellCellAsync()
    {
        var cellStatus = CellStatus();
        if (cellStatus is not null && !cellStatus.Equals(Twin.ReportedToCell))
        {
            await GrainFactory.GetGrain<IGridCellGrain>(Twin.Profile!.CellCode).UpdateDevice(cellStatus.ToStatus(DeviceId, Twin.Profile.Kind));
            Twin.ReportedToCell = cellStatus;
        }
    }

    private ReportedCellStatus? CellStatus() => Twin.Profile is null
        ? null
        : new ReportedCellStatus(Twin.Online, string.Join(',', Twin.Alarms.Values.Select(a => a.Severity).Order()));

    private void ScheduleFlush() => Deferred.Schedule();

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        await state.WriteStateAsync(cancellationToken);
        if (_historyDirty)
        {
            _historyDirty = false;
            await history.WriteStateAsync(cancellationToken);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

[GenerateSerializer]
public sealed class DeviceTwinState
{
    [Id(0)] public DeviceProfile? Profile { get; set; }
    [Id(1)] public Dictionary<string, MetricReading> Values { get; set; } = [];
    [Id(2)] public DateTimeOffset? LastSeen { get; set; }
    [Id(3)] public bool Online { get; set; }
    [Id(4)] public Dictionary<string, DeviceAlarm> Alarms { get; set; } = [];
    [Id(5)] public Dictionary<string, RuleState> RuleStates { get; set; } = [];
    /// <summary>The device's recent sequence numbers (Id 6 held them as a queue in earlier versions; such rows start a fresh window).</summary>
    [Id(11)] public SeqWindow Seqs { get; set; }
    [Id(7)] public List<DeviceCommand> Commands { get; set; } = [];
    [Id(8)] public string? LatestSnapshot { get; set; }
    [Id(9)] public ReportedCellStatus? ReportedToCell { get; set; }

    /// <summary>Reports of alarms raised and stored here, not yet confirmed by case intake.</summary>
    [Id(10)] public List<EventReport> PendingReports { get; set; } = [];
}

/// <summary>What the twin last told its grid cell, so that it tells it again only on a change.</summary>
/// <param name="Severities">The active alarms' severities, sorted and comma-joined, so equality is by value.</param>
[GenerateSerializer]
public sealed record ReportedCellStatus([property: Id(0)] bool Online, [property: Id(1)] string Severities)
{
    /// <summary>What the city's registration told the cell of a device not yet heard from: offline, no alarms.</summary>
    public static readonly ReportedCellStatus Registered = new(false, "");

    public DeviceCellStatus ToStatus(string deviceId, Interfaces.City.DeviceKind kind) => new(
        deviceId,
        kind,
        Online,
        Severities.Length == 0 ? [] : [.. Severities.Split(',').Select(Enum.Parse<AlarmSeverity>)]);
}

/// <summary>
/// The twin's outbox mark: present (with a payload) while the twin may hold reports for case intake,
/// so the start-up recovery finds it without reading every twin.
/// </summary>
[GenerateSerializer]
public sealed class AlarmOutboxState
{
    /// <summary>The twin's own key and kind, so the start-up recovery finds the twin from the stored row alone.</summary>
    [Id(0)] public string? DeviceId { get; set; }

    [Id(1)] public DeviceKind Kind { get; set; }

    /// <summary>Reports kept in the mark itself by earlier versions; read once into the twin's own.</summary>
    [Id(2)] public List<EventReport> Reports { get; set; } = [];
}

/// <summary>Chart history, kept apart because it is larger and changes with every reading.</summary>
[GenerateSerializer]
public sealed class DeviceHistoryState
{
    [Id(0)] public Dictionary<string, List<HistoryBucket>> Metrics { get; set; } = [];
}
