using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using Orleans.Storage;

namespace CityOps.Grains.Devices;

/// <summary>
/// A twin's alarm outbox (docs/reliability.md, "A twin's outbox"): the reports of alarms that are cases,
/// kept in the twin's own state (<see cref="DeviceTwinState.PendingReports"/>) until intake confirms
/// them; the small mark (<see cref="AlarmOutboxState"/>) that tells the start-up recovery which twins
/// hold some; and the grain timer that sends them through the alarm courier, at once and then after
/// <see cref="AlarmReports.RetryDelay"/>, so a device's readings never wait on case work.
/// </summary>
public sealed class AlarmOutbox(
    Grain grain,
    IPersistentState<DeviceTwinState> twin,
    IPersistentState<AlarmOutboxState> mark,
    IGrainFactory grains,
    IServiceProvider activationServices,
    DeviceTwinServices services)
{
    private IGrainTimer? _timer;
    private int _sends;

    private List<EventReport> Pending => twin.State.PendingReports;

    private string DeviceId => grain.GetPrimaryKeyString();

    /// <summary>Whether an activating twin has reports to send or a mark to take in or remove (most have none).</summary>
    /// <param name="mark">The twin's mark, when it was read (its row says it may exist).</param>
    public static bool HasWorkOnActivation(DeviceTwinState twin, IPersistentState<AlarmOutboxState>? mark)
    {
        ArgumentNullException.ThrowIfNull(twin);
        return twin.HasPendingReports || mark is { RecordExists: true } || mark?.State.Reports.Count > 0;
    }

    /// <summary>On activation: takes in reports an earlier version kept in the mark, and sends what is pending.</summary>
    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        if (mark.State.Reports.Count > 0)
        {
            Pending.AddRange(mark.State.Reports.Where(r => !Pending.Any(p => p.IdempotencyKey == r.IdempotencyKey)));
            mark.State.Reports.Clear();
        }

        if (Pending.Count > 0)
        {
            SendSoon();
        }
        else if (mark.RecordExists)
        {
            // A mark without reports: the change it announced was never stored.
            await mark.ClearStateAsync(cancellationToken);
            twin.State.OutboxMarked = false;
        }
    }

    /// <summary>
    /// Puts each alarm just raised that is a case among the pending reports, which the twin's own write
    /// then stores with the alarm, and writes the mark first, so the start-up recovery finds the twin;
    /// all before the device's acknowledgement.
    /// </summary>
    public async Task AddAsync(IReadOnlyList<DeviceAlarm> raised)
    {
        var profile = twin.State.Profile!;
        var added = false;
        foreach (var alarm in raised)
        {
            if (AlarmReports.For(profile, alarm, services.Catalogue, services.Clock.GetUtcNow()) is { } report)
            {
                Pending.Add(report);
                added = true;
            }
        }

        if (!added)
        {
            return;
        }

        if (!mark.RecordExists || mark.State.DeviceId is null)
        {
            mark.State.DeviceId = DeviceId;
            mark.State.Kind = profile.Kind;
            twin.State.OutboxMarked = true;
            try
            {
                await mark.WriteStateAsync();
            }
            catch (InconsistentStateException)
            {
                // A mark this twin did not know of (left by a crash between its writes): read it, then write over it.
                await mark.ReadStateAsync();
                (mark.State.DeviceId, mark.State.Kind) = (DeviceId, profile.Kind);
                await mark.WriteStateAsync();
            }
        }

        SendSoon();
    }

    /// <summary>
    /// Intake has the report: it leaves the outbox; true when it was pending (the twin's state changed and
    /// may be written later: should the engine stop first, the report is sent again and intake knows it).
    /// </summary>
    public bool Take(string idempotencyKey) => twin.State.HasPendingReports && Pending.RemoveAll(r => r.IdempotencyKey == idempotencyKey) > 0;

    /// <summary>Once nothing is pending, stops sending and removes the mark.</summary>
    public async Task ClearIfEmptyAsync()
    {
        if (twin.State.HasPendingReports)
        {
            return;
        }

        _timer?.Dispose();
        _timer = null;
        _sends = 0;
        if (mark.RecordExists)
        {
            await mark.ClearStateAsync();
        }

        twin.State.OutboxMarked = false;
    }

    /// <summary>Sends now (a new alarm, an activation, the recovery), whatever back-off was running.</summary>
    public void SendSoon()
    {
        if (!twin.State.HasPendingReports)
        {
            return;
        }

        _sends = 0;
        if (_timer is { } timer)
        {
            timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            return;
        }

        _timer = grain.RegisterGrainTimer(
            _ => SendAsync(),
            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>Sends every pending report to the courier (one-way), then looks again after a back-off.</summary>
    private async Task SendAsync()
    {
        if (EngineStopping.Began(activationServices) || !twin.State.HasPendingReports)
        {
            return;
        }

        var courier = grains.GetGrain<IAlarmCourierGrain>(0);
        var kind = twin.State.Profile?.Kind ?? mark.State.Kind;
        foreach (var report in Pending.ToList())
        {
            await courier.Deliver(kind, DeviceId, report);
        }

        _timer?.Change(AlarmReports.RetryDelay(_sends++, Random.Shared.NextDouble()), Timeout.InfiniteTimeSpan);
    }
}
