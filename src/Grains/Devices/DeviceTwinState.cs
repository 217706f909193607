using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Rules;

namespace CityOps.Grains.Devices;

// The stored layout of a twin: the names, namespaces and [Id]s here are read back from storage
// (docs/reliability.md), so they change only with a migration.

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

    /// <summary>Per detection kind, when a detection last raised its alarm: the start of the kind's de-duplication window.</summary>
    [Id(12)] public Dictionary<string, DateTimeOffset> DetectionRaisedAt { get; set; } = [];

    /// <summary>The latest video AI detections, newest first, with what became of each (<see cref="TwinDetections"/>).</summary>
    [Id(13)] public List<DetectionRecord> Detections { get; set; } = [];

    /// <summary>Detections per kind by what became of them, since the channel was first heard of.</summary>
    [Id(14)] public Dictionary<string, DetectionTally> DetectionTallies { get; set; } = [];
}

/// <summary>What the twin last told its grid cell, so that it tells it again only on a change.</summary>
/// <param name="Severities">The active alarms' severities, sorted and comma-joined, so equality is by value.</param>
[GenerateSerializer]
public sealed record ReportedCellStatus([property: Id(0)] bool Online, [property: Id(1)] string Severities)
{
    /// <summary>What the city's registration told the cell of a device not yet heard from: offline, no alarms.</summary>
    public static readonly ReportedCellStatus Registered = new(false, "");

    /// <summary>What the cell counts of a twin now: online state and alarm severities; null before it is provisioned.</summary>
    public static ReportedCellStatus? Of(DeviceTwinState twin)
    {
        ArgumentNullException.ThrowIfNull(twin);
        return twin.Profile is null
            ? null
            : new ReportedCellStatus(twin.Online, string.Join(',', twin.Alarms.Values.Select(a => a.Severity).Order()));
    }

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
