using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Grid;

/// <summary>
/// The one place that turns live counts into a health level.
/// <list type="bullet">
/// <item>A cell is <b>critical</b> with an active critical alarm or an overdue urgent/emergency event;</item>
/// <item><b>warning</b> with a major alarm, any overdue event, an open emergency event, or under half its devices online;</item>
/// <item><b>attention</b> with a minor alarm, any open event, or under 90% of its devices online;</item>
/// <item><b>normal</b> otherwise (a cell without devices is judged on alarms and events alone).</item>
/// </list>
/// A region is as healthy as its worst cell: a command centre drills down from red, and the
/// region's counts of cells per level show how widespread a problem is. A cell's own counts hold
/// the cell once, so <see cref="ForRegion"/> gives a cell's level from its reported counts too.
/// </summary>
public static class HealthRules
{
    public const double AttentionBelowOnlineRatio = 0.9;
    public const double WarningBelowOnlineRatio = 0.5;

    public static HealthLevel ForCell(GridCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var (alarms, events, online) = (counts.Alarms, counts.Events, counts.OnlineRatio);
        if (alarms.Critical > 0 || events.OverdueUrgent > 0)
        {
            return HealthLevel.Critical;
        }

        if (alarms.Major > 0 || events.Overdue > 0 || events.OpenEmergency > 0 || online < WarningBelowOnlineRatio)
        {
            return HealthLevel.Warning;
        }

        if (alarms.Minor > 0 || events.Open > 0 || online < AttentionBelowOnlineRatio)
        {
            return HealthLevel.Attention;
        }

        return HealthLevel.Normal;
    }

    public static HealthLevel ForRegion(HealthCounts cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return cells switch
        {
            { Critical: > 0 } => HealthLevel.Critical,
            { Warning: > 0 } => HealthLevel.Warning,
            { Attention: > 0 } => HealthLevel.Attention,
            _ => HealthLevel.Normal,
        };
    }
}
