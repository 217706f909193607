namespace CityOps.DashboardHost.Situation;

/// <summary>How the situation hub paces and bounds what it sends (section <c>Situation</c>).</summary>
public sealed class SituationOptions
{
    public const string Section = "Situation";

    /// <summary>At most one frame per client per interval; changes in between are merged into the next frame.</summary>
    public TimeSpan FrameInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A send to one client that takes longer is abandoned and that client disconnected; it reconnects for a fresh snapshot.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Newly raised alarms one client's buffer holds between two frames; the oldest are dropped and counted.</summary>
    public int MaxBufferedAlarms { get; set; } = 200;

    /// <summary>Devices a snapshot carries at most, alarmed ones first.</summary>
    public int MaxSnapshotDevices { get; set; } = 2000;

    /// <summary>Open cases a snapshot carries at most, most recently changed first.</summary>
    public int MaxSnapshotEvents { get; set; } = 2000;

    /// <summary>How often a host renews its registration with the districts' feeds (they forget a host after two minutes).</summary>
    public TimeSpan FeedRenewInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>KPIs are read again at most this often after a case in the region changed, and at least once a minute (for the day's turn).</summary>
    public TimeSpan KpiRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);
}
