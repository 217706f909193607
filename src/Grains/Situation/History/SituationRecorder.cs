using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;

namespace CityOps.Grains.Situation.History;

/// <summary>
/// Counts what happens in a district during the current minute, from what its situation feed is
/// told: alarms raised (a device's <c>device_offline</c> counts as gone silent), cases seen open
/// for the first time and cases seen ending. <see cref="Close"/> turns the minute into its
/// <see cref="MinuteCounts"/> (with the standing counts read from the district's region) and starts
/// the next. Pure: the feed grain owns the clock and the calls.
/// </summary>
public sealed class SituationRecorder
{
    /// <summary>Alarms kept as happenings per minute; beyond it they are only counted.</summary>
    public const int MaxAlarmHappeningsPerMinute = 30;

    /// <summary>A case first seen this long after it was reported is one the feed learned of late, not a new one.</summary>
    public static readonly TimeSpan NewCaseWindow = TimeSpan.FromMinutes(10);

    private const int MaxKnownCases = 50_000;

    private readonly HashSet<string> _open = new(StringComparer.Ordinal);
    private readonly List<SituationHappening> _happenings = [];
    private int _alarmHappenings;
    private int _raised;
    private int _opened;
    private int _closed;
    private int _silent;

    public void Raised(RaisedAlarm alarm)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        var silent = alarm.Kind == DeviceTwinGrain.OfflineAlarm;
        if (silent)
        {
            _silent++;
        }
        else
        {
            _raised++;
        }

        if (_alarmHappenings++ < MaxAlarmHappeningsPerMinute)
        {
            _happenings.Add(new SituationHappening(
                alarm.RaisedAt, silent ? HappeningKind.DeviceSilent : HappeningKind.Alarm, alarm.DeviceId, alarm.Kind,
                Camel(alarm.Severity.ToString()), alarm.Longitude, alarm.Latitude));
        }
    }

    public void CaseChanged(EventSummary summary, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.IsOpen)
        {
            if (_open.Count < MaxKnownCases && _open.Add(summary.Id) && now - summary.ReportedAt <= NewCaseWindow)
            {
                _opened++;
                _happenings.Add(Happening(summary, HappeningKind.CaseOpened, summary.ReportedAt));
            }
        }
        else if (_open.Remove(summary.Id) || now - summary.UpdatedAt <= NewCaseWindow)
        {
            _closed++;
            _happenings.Add(Happening(summary, HappeningKind.CaseClosed, summary.UpdatedAt));
        }
    }

    /// <summary>The minute starting at <paramref name="minute"/>, with the district's counts at its end; the recorder starts afresh.</summary>
    public (MinuteCounts Minute, SituationHappening[] Happenings) Close(DateTimeOffset minute, GridCounts standing)
    {
        ArgumentNullException.ThrowIfNull(standing);
        var alarms = standing.Alarms;
        var counts = new MinuteCounts(
            minute, standing.Devices, standing.DevicesOnline, alarms.Minor + alarms.Major + alarms.Critical, alarms.Critical,
            standing.Events.Open, standing.Events.Overdue, _raised, _opened, _closed, _silent);
        SituationHappening[] happenings = [.. _happenings.OrderBy(h => h.At)];
        _happenings.Clear();
        _alarmHappenings = _raised = _opened = _closed = _silent = 0;
        return (counts, happenings);
    }

    private static SituationHappening Happening(EventSummary summary, HappeningKind kind, DateTimeOffset at) =>
        new(at, kind, summary.Id, summary.Category, Camel(summary.Urgency.ToString()), summary.Location.Longitude, summary.Location.Latitude);

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
