using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Grid;

/// <summary>The arithmetic of the grid: a cell's counts from its devices and events, and a region's as a sum.</summary>
public static class GridRollup
{
    public static GridCounts CountCell(IEnumerable<DeviceCellStatus> devices, IEnumerable<EventCellStatus> events)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(events);
        var byKind = new Dictionary<DeviceKind, int>();
        int online = 0, minor = 0, major = 0, critical = 0;
        foreach (var device in devices)
        {
            byKind[device.Kind] = byKind.GetValueOrDefault(device.Kind) + 1;
            online += device.Online ? 1 : 0;
            minor += device.ActiveAlarms.Count(s => s == AlarmSeverity.Minor);
            major += device.ActiveAlarms.Count(s => s == AlarmSeverity.Major);
            critical += device.ActiveAlarms.Count(s => s == AlarmSeverity.Critical);
        }

        int open = 0, overdue = 0, openEmergency = 0, overdueUrgent = 0;
        foreach (var e in events.Where(e => e.Open))
        {
            open++;
            overdue += e.Overdue ? 1 : 0;
            openEmergency += e.Urgency == EventUrgency.Emergency ? 1 : 0;
            overdueUrgent += e.Overdue && e.Urgency != EventUrgency.Normal ? 1 : 0;
        }

        var counts = new GridCounts(byKind, online, new AlarmCounts(minor, major, critical), new EventCounts(open, overdue, openEmergency, overdueUrgent), HealthCounts.None);
        return counts with { Cells = OneCell(HealthRules.ForCell(counts)) };
    }

    public static GridCounts Sum(IEnumerable<GridCounts> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var byKind = new Dictionary<DeviceKind, int>();
        int online = 0;
        var (alarms, events, cells) = (AlarmCounts.None, EventCounts.None, HealthCounts.None);
        foreach (var part in parts)
        {
            foreach (var (kind, count) in part.DevicesByKind)
            {
                byKind[kind] = byKind.GetValueOrDefault(kind) + count;
            }

            online += part.DevicesOnline;
            alarms = new AlarmCounts(alarms.Minor + part.Alarms.Minor, alarms.Major + part.Alarms.Major, alarms.Critical + part.Alarms.Critical);
            events = new EventCounts(
                events.Open + part.Events.Open,
                events.Overdue + part.Events.Overdue,
                events.OpenEmergency + part.Events.OpenEmergency,
                events.OverdueUrgent + part.Events.OverdueUrgent);
            cells = new HealthCounts(
                cells.Normal + part.Cells.Normal,
                cells.Attention + part.Cells.Attention,
                cells.Warning + part.Cells.Warning,
                cells.Critical + part.Cells.Critical);
        }

        return new GridCounts(byKind, online, alarms, events, cells);
    }

    /// <summary>Value equality, which the record's own does not give for the dictionary of device kinds.</summary>
    public static bool AreEqual(GridCounts a, GridCounts b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.DevicesOnline == b.DevicesOnline && a.Alarms == b.Alarms && a.Events == b.Events && a.Cells == b.Cells
            && a.DevicesByKind.Where(p => p.Value != 0).OrderBy(p => p.Key).SequenceEqual(b.DevicesByKind.Where(p => p.Value != 0).OrderBy(p => p.Key));
    }

    private static HealthCounts OneCell(HealthLevel level) => level switch
    {
        HealthLevel.Normal => new HealthCounts(1, 0, 0, 0),
        HealthLevel.Attention => new HealthCounts(0, 1, 0, 0),
        HealthLevel.Warning => new HealthCounts(0, 0, 1, 0),
        _ => new HealthCounts(0, 0, 0, 1),
    };
}
