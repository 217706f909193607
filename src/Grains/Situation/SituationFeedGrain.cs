using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;
using CityOps.Grains.Situation.History;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace CityOps.Grains.Situation;

/// <summary>
/// Coalesces a district's changes by id and sends them to the registered hosts at most once per
/// <see cref="FlushInterval"/>, so a burst of telemetry costs each host one message. Nothing is
/// kept while no host listens, and nothing is stored: a host that registers gets its clients'
/// snapshots from the grains themselves.
/// </summary>
/// <remarks>
/// It also keeps the district's history: a <see cref="SituationRecorder"/> counts what it is told
/// whether or not a host listens, and once a minute the finished minute goes to the day's
/// <see cref="ISituationHistoryGrain"/> in one call (<see cref="RecordMinuteAsync"/>).
/// </remarks>
public sealed class SituationFeedGrain(ILogger<SituationFeedGrain> logger, TimeProvider clock) : Grain, ISituationFeedGrain
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>A host that has not renewed for this long is forgotten; hosts renew well within it.</summary>
    public static readonly TimeSpan ObserverLifetime = TimeSpan.FromMinutes(2);

    /// <summary>Bounds the raised alarms held between two batches; the oldest are dropped first.</summary>
    public const int MaxRaised = 1000;

    private readonly ObserverManager<ISituationObserver> _observers = new(ObserverLifetime, logger);
    private readonly Dictionary<string, DeviceSituation> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GridSituation> _cells = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventSummary> _events = new(StringComparer.Ordinal);
    private readonly Queue<RaisedAlarm> _raised = new();
    private int _raisedDropped;
    private readonly SituationRecorder _recorder = new();
    private IGrainTimer? _flush;
    private IGrainTimer? _minutes;

    private bool Listened => _observers.Count > 0;

    public Task DevicesChanged(DeviceSituation[] devices, RaisedAlarm[] raised)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(raised);
        foreach (var alarm in raised)
        {
            _recorder.Raised(alarm);
        }

        if (!Listened)
        {
            return Task.CompletedTask;
        }

        foreach (var device in devices)
        {
            _devices[device.Id] = SituationCoalescing.Latest(_devices.GetValueOrDefault(device.Id), device);
        }

        foreach (var alarm in raised)
        {
            _raised.Enqueue(alarm);
            if (_raised.Count > MaxRaised)
            {
                _raised.Dequeue();
                _raisedDropped++;
            }
        }

        ScheduleFlush();
        return Task.CompletedTask;
    }

    public Task CellChanged(GridSituation cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (Listened)
        {
            _cells[cell.Code] = cell;
            ScheduleFlush();
        }

        return Task.CompletedTask;
    }

    public Task EventChanged(EventSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _recorder.CaseChanged(summary, clock.GetUtcNow());
        if (Listened)
        {
            _events[summary.Id] = summary;
            ScheduleFlush();
        }

        return Task.CompletedTask;
    }

    public Task Subscribe(ISituationObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(ISituationObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Ticks just after each minute's end; kept alive, since the history must go on while nobody looks.
        var now = clock.GetUtcNow();
        var next = MinuteOf(now).AddMinutes(1).AddSeconds(1) - now;
        _minutes = this.RegisterGrainTimer(RecordMinuteAsync, new GrainTimerCreationOptions(next, TimeSpan.FromMinutes(1)) { KeepAlive = true });
        return Task.CompletedTask;
    }

    private static DateTimeOffset MinuteOf(DateTimeOffset at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    /// <summary>Closes the minute just ended with the district's standing counts and hands it to its day's history.</summary>
    private async Task RecordMinuteAsync(CancellationToken cancellationToken)
    {
        // Grains cannot be placed on a stopping silo; the minute under way is not recorded.
        if (EngineStopping.Began(ServiceProvider))
        {
            return;
        }

        var district = this.GetPrimaryKeyString();
        var minute = MinuteOf(clock.GetUtcNow()).AddMinutes(-1);
        var standing = await GrainFactory.GetGrain<IRegionGrain>(district).GetSituation();
        var (counts, happenings) = _recorder.Close(minute, standing.Counts);
        await GrainFactory.GetGrain<ISituationHistoryGrain>(SituationHistoryKeys.Of(district, minute)).Record(counts, happenings);
    }

    private void ScheduleFlush() =>
        _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushInterval, Timeout.InfiniteTimeSpan));

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        // Disposing a timer cancels the token it passed to its callback, so it goes after the work.
        using var done = _flush;
        _flush = null;
        var changes = new SituationChanges(
            this.GetPrimaryKeyString(), [.. _devices.Values], [.. _cells.Values], [.. _events.Values], [.. _raised], _raisedDropped);
        _devices.Clear();
        _cells.Clear();
        _events.Clear();
        _raised.Clear();
        _raisedDropped = 0;
        await _observers.Notify(o => o.OnChanges(changes));
    }
}
