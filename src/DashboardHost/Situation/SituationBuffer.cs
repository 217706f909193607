using CityOps.DashboardHost.Events;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;

namespace CityOps.DashboardHost.Situation;

/// <summary>
/// One client's changes waiting for its next frame: the latest state per device, cell and case
/// (a later change replaces an earlier one, so the buffer never holds more entries than the
/// region has things) and the alarms raised since the last frame, bounded with the oldest dropped
/// and counted. It takes only what lies in the client's region, and only the cases the client's user
/// may see (<see cref="CaseScope"/>, passed in as <c>showsEvent</c>); in a region wider than a street
/// it takes only devices that have alarms or just raised or cleared one (see <see cref="ShowsAllDevices"/>),
/// and later states of a device it already holds, so a cleared alarm is not overtaken by an older entry.
/// Thread-safe: the feed adds from its threads while the client's send loop takes frames.
/// </summary>
public sealed class SituationBuffer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DeviceSituation> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GridSituation> _cells = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventSummary> _events = new(StringComparer.Ordinal);
    private readonly Queue<RaisedAlarm> _alarms = new();

    // Open cases the client was given, so a case that leaves the user's scope (reassigned to another
    // department) is withdrawn by id alone, never sent to them again.
    private readonly HashSet<string> _shown = new(StringComparer.Ordinal);
    private readonly HashSet<string> _withdrawn = new(StringComparer.Ordinal);
    private readonly int _maxAlarms;
    private int _alarmsDropped;
    private KpiResponse? _kpis;
    private KpiResponse? _kpisSent;
    private bool _eventsSeen;
    private readonly Func<EventSummary, bool> _showsEvent;

    /// <param name="showsEvent">Whether the client's user may see a case; a case they may not is never buffered.</param>
    public SituationBuffer(string region, bool allDevices, int maxAlarms, Func<EventSummary, bool> showsEvent)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(showsEvent);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAlarms);
        _showsEvent = showsEvent;
        Region = region;
        AllDevices = allDevices;
        _maxAlarms = maxAlarms;
    }

    public string Region { get; }

    /// <summary>Whether every device of the region is shown, or only alarmed ones.</summary>
    public bool AllDevices { get; }

    /// <summary>
    /// A street or anything smaller shows all its devices (a few hundred at most); a district or
    /// the whole city shows only devices with alarms, since thousands of markers helps no one and
    /// the cells' counts already show the rest.
    /// </summary>
    public static bool ShowsAllDevices(GridLevel level) => level >= GridLevel.Street;

    public bool HasChanges
    {
        get
        {
            lock (_gate)
            {
                return _devices.Count + _cells.Count + _events.Count + _withdrawn.Count + _alarms.Count + _alarmsDropped > 0 || KpisChanged;
            }
        }
    }

    private bool KpisChanged => _kpis is not null && _kpis != _kpisSent;

    /// <summary>Takes what of a district's batch lies in the region; true when it took anything.</summary>
    public bool Offer(SituationChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (!GridCodes.IsWithin(changes.District, Region) && !GridCodes.IsWithin(Region, changes.District))
        {
            return false;
        }

        var took = false;
        lock (_gate)
        {
            foreach (var device in changes.Devices)
            {
                var held = _devices.TryGetValue(device.Id, out var earlier);
                if (InRegion(device.CellCode) && (AllDevices || held || device.Alarms.Count > 0 || device.AlarmsChanged))
                {
                    // A raise or clear merged with a later reading still counts as one for the frame.
                    _devices[device.Id] = held && earlier!.AlarmsChanged && !device.AlarmsChanged
                        ? device with { AlarmsChanged = true }
                        : device;
                    took = true;
                }
            }

            foreach (var cell in changes.Cells.Where(c => InRegion(c.Code)))
            {
                _cells[cell.Code] = cell;
                took = true;
            }

            foreach (var summary in changes.Events.Where(e => InRegion(e.Location.CellCode)))
            {
                took |= OfferEvent(summary);
            }

            foreach (var alarm in changes.Raised.Where(a => InRegion(a.CellCode)))
            {
                _alarms.Enqueue(alarm);
                if (_alarms.Count > _maxAlarms)
                {
                    _alarms.Dequeue();
                    _alarmsDropped++;
                }

                took = true;
            }

            if (changes.RaisedDropped > 0)
            {
                // Upstream drops cannot be told apart by region; counting them keeps the ticker honest.
                _alarmsDropped += changes.RaisedDropped;
                took = true;
            }
        }

        return took;
    }

    private bool OfferEvent(EventSummary summary)
    {
        if (_showsEvent(summary))
        {
            _events[summary.Id] = summary;
            _withdrawn.Remove(summary.Id);
            if (summary.IsOpen)
            {
                _shown.Add(summary.Id);
            }
            else
            {
                _shown.Remove(summary.Id);
            }

            _eventsSeen = true;
            return true;
        }

        if (!_shown.Remove(summary.Id))
        {
            return false;
        }

        _events.Remove(summary.Id);
        _withdrawn.Add(summary.Id);
        _eventsSeen = true;
        return true;
    }

    /// <summary>Records the open cases a snapshot gave the client, so those that leave its scope are withdrawn.</summary>
    public void EventsSent(IEnumerable<string> caseIds)
    {
        ArgumentNullException.ThrowIfNull(caseIds);
        lock (_gate)
        {
            _shown.UnionWith(caseIds);
        }
    }

    /// <summary>Whether a case of the region changed since the last call, so the KPIs are worth reading again.</summary>
    public bool TakeEventsSeen()
    {
        lock (_gate)
        {
            var seen = _eventsSeen;
            _eventsSeen = false;
            return seen;
        }
    }

    /// <summary>The region's current KPIs; they go into the next frame only if they differ from those last sent.</summary>
    public void OfferKpis(KpiResponse kpis)
    {
        lock (_gate)
        {
            _kpis = kpis;
        }
    }

    /// <summary>Records the KPIs a snapshot carried, so the next delta repeats them only when they change.</summary>
    public void KpisSent(KpiResponse? kpis)
    {
        lock (_gate)
        {
            _kpisSent = kpis;
            _kpis ??= kpis;
        }
    }

    /// <summary>Empties the buffer into a delta frame, or returns null when nothing changed.</summary>
    public SituationFrame? TakeDelta(long seq)
    {
        lock (_gate)
        {
            if (_devices.Count + _cells.Count + _events.Count + _withdrawn.Count + _alarms.Count + _alarmsDropped == 0 && !KpisChanged)
            {
                return null;
            }

            var kpis = KpisChanged ? _kpis : null;
            var frame = new SituationFrame(
                seq,
                Region,
                [.. _devices.Values.OrderBy(d => d.Id, StringComparer.Ordinal).Select(DeviceEntry.From)],
                [.. _cells.Values.OrderBy(c => c.Code, StringComparer.Ordinal).Select(CellEntry.From)],
                [.. _events.Values.OrderBy(e => e.Id, StringComparer.Ordinal).Select(EventEntry.From)],
                [.. _alarms.Select(AlarmEntry.From)],
                kpis,
                _alarmsDropped,
                _withdrawn.Count == 0 ? null : [.. _withdrawn.Order(StringComparer.Ordinal)]);
            _devices.Clear();
            _cells.Clear();
            _events.Clear();
            _withdrawn.Clear();
            _alarms.Clear();
            _alarmsDropped = 0;
            _kpisSent = _kpis;
            return frame;
        }
    }

    private bool InRegion(string code) => GridCodes.IsWithin(code, Region);
}
