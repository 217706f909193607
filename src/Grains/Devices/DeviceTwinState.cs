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
    /// <summary>
    /// The collections most twins never use (alarms, rule states, commands, reports, detections), in one object
    /// allocated on first use: a twin that has none holds one empty reference, not seven (nor an empty dictionary or
    /// list for each: 80 bytes an empty dictionary, and a city has a million twins). Reading them through the public
    /// properties allocates; the hot paths ask HasAlarms/HasAlarm/RemoveAlarm first. Stored member for member by the
    /// internal Stored* properties, as rows of every version hold them.
    /// </summary>
    [NonSerialized] private Rarely? _rarely;

    /// <summary>
    /// The latest value of each metric, in the order first heard, searched in turn: a device reports a few metrics, and
    /// a dictionary of one costs a twin about 260 bytes where this array costs 56 (docs/performance.md).
    /// </summary>
    [NonSerialized] private LatestReading[] _latest = [];

    [Id(0)] public DeviceProfile? Profile { get; set; }

    /// <summary>
    /// The latest values as rows of every version store them, a dictionary: each read builds one, each write replaces
    /// them all. JSON rows of the first versions name it Values and are read by replacing, never by filling the copy.
    /// </summary>
    [Id(1)]
    [Newtonsoft.Json.JsonProperty(nameof(Values), ObjectCreationHandling = Newtonsoft.Json.ObjectCreationHandling.Replace)]
    internal Dictionary<string, MetricReading> StoredValues
    {
        get => LatestValues();
        set => Values = value;
    }

    [Id(2)] public DateTimeOffset? LastSeen { get; set; }
    [Id(3)] public bool Online { get; set; }

    [Id(4)] internal Dictionary<string, DeviceAlarm>? StoredAlarms { get => _rarely?.Alarms; set => RareFor(value)?.Alarms = value; }

    [Id(5)] internal Dictionary<string, RuleState>? StoredRuleStates { get => _rarely?.RuleStates; set => RareFor(value)?.RuleStates = value; }

    [Id(7)] internal List<DeviceCommand>? StoredCommands { get => _rarely?.Commands; set => RareFor(value)?.Commands = value; }

    [Id(8)] public string? LatestSnapshot { get; set; }
    [Id(9)] public ReportedCellStatus? ReportedToCell { get; set; }

    [Id(10)] internal List<EventReport>? StoredPendingReports { get => _rarely?.PendingReports; set => RareFor(value)?.PendingReports = value; }

    /// <summary>The device's recent sequence numbers (Id 6 held them as a queue in earlier versions; such rows start a fresh window).</summary>
    [Id(11)] public SeqWindow Seqs { get; set; }

    [Id(12)] internal Dictionary<string, DateTimeOffset>? StoredDetectionRaisedAt { get => _rarely?.DetectionRaisedAt; set => RareFor(value)?.DetectionRaisedAt = value; }

    [Id(13)] internal List<DetectionRecord>? StoredDetections { get => _rarely?.Detections; set => RareFor(value)?.Detections = value; }

    [Id(14)] internal Dictionary<string, DetectionTally>? StoredDetectionTallies { get => _rarely?.DetectionTallies; set => RareFor(value)?.DetectionTallies = value; }

    /// <summary>
    /// Whether the twin wrote its outbox mark and has not removed it: false lets an activation skip reading the mark;
    /// null (a row written before this was kept) reads it.
    /// </summary>
    [Id(15)] public bool? OutboxMarked { get; set; }

    /// <summary>The latest value of each metric, as a new read-only dictionary; setting it replaces them all.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public IReadOnlyDictionary<string, MetricReading> Values
    {
        get => LatestValues().AsReadOnly();
        set => _latest = value is null ? [] : [.. value.Select(v => new LatestReading(v.Key, v.Value))];
    }

    public Dictionary<string, DeviceAlarm> Alarms { get => Rare.Alarms ??= []; set => Rare.Alarms = value; }

    public Dictionary<string, RuleState> RuleStates { get => Rare.RuleStates ??= []; set => Rare.RuleStates = value; }

    public List<DeviceCommand> Commands { get => Rare.Commands ??= []; set => Rare.Commands = value; }

    /// <summary>Reports of alarms raised and stored here, not yet confirmed by case intake.</summary>
    public List<EventReport> PendingReports { get => Rare.PendingReports ??= []; set => Rare.PendingReports = value; }

    /// <summary>Per detection kind, when a detection last raised its alarm: the start of the kind's de-duplication window.</summary>
    public Dictionary<string, DateTimeOffset> DetectionRaisedAt { get => Rare.DetectionRaisedAt ??= []; set => Rare.DetectionRaisedAt = value; }

    /// <summary>The latest video AI detections, newest first, with what became of each (<see cref="TwinDetections"/>).</summary>
    public List<DetectionRecord> Detections { get => Rare.Detections ??= []; set => Rare.Detections = value; }

    /// <summary>Detections per kind by what became of them, since the channel was first heard of.</summary>
    public Dictionary<string, DetectionTally> DetectionTallies { get => Rare.DetectionTallies ??= []; set => Rare.DetectionTallies = value; }

    /// <summary>How many metrics the twin holds a latest value of.</summary>
    public int MetricCount => _latest.Length;

    /// <summary>Whether any alarm stands (no allocation for a twin that has none).</summary>
    public bool HasAlarms => _rarely?.Alarms is { Count: > 0 };

    public bool HasCommands => _rarely?.Commands is { Count: > 0 };

    public bool HasPendingReports => _rarely?.PendingReports is { Count: > 0 };

    /// <summary>Whether the twin has recorded any detection (its tallies count only recorded detections).</summary>
    public bool HasDetections => _rarely?.Detections is { Count: > 0 };

    private Rarely Rare => _rarely ??= new();

    public bool HasAlarm(string kind) => _rarely?.Alarms?.ContainsKey(kind) == true;

    /// <summary>Clears the alarm of <paramref name="kind"/>; true when it stood.</summary>
    public bool RemoveAlarm(string kind) => _rarely?.Alarms?.Remove(kind) == true;

    /// <summary>Where the rule of <paramref name="key"/> stands; idle when the twin keeps nothing for it.</summary>
    public RuleState RuleStateOf(string key) => _rarely?.RuleStates?.GetValueOrDefault(key) ?? RuleState.Idle;

    /// <summary>
    /// Keeps where a rule stands: an idle rule is kept as no entry at all, so that a twin whose readings are within their
    /// thresholds, as most are, holds no rule states (a dictionary and an object) for rules it is evaluated against.
    /// </summary>
    public void SetRuleState(string key, RuleState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state != RuleState.Idle)
        {
            RuleStates[key] = state;
        }
        else if (_rarely?.RuleStates is { } states && states.Remove(key) && states.Count == 0)
        {
            _rarely.RuleStates = null;
        }
    }

    public bool HasMetric(string metric) => IndexOf(metric) >= 0;

    /// <summary>The metric's latest value, if the twin holds one.</summary>
    public bool TryGetLatest(string metric, out MetricReading reading)
    {
        var index = IndexOf(metric);
        reading = index >= 0 ? _latest[index].Reading : default;
        return index >= 0;
    }

    /// <summary>Sets the metric's latest value (a new metric grows the array by one: metrics are few and come early).</summary>
    public void SetLatest(string metric, MetricReading reading)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var index = IndexOf(metric);
        if (index < 0)
        {
            index = _latest.Length;
            Array.Resize(ref _latest, index + 1);
        }

        _latest[index] = new LatestReading(metric, reading);
    }

    /// <summary>The latest values in the order first heard, without a copy.</summary>
    public ReadOnlySpan<LatestReading> LatestReadings() => _latest;

    /// <summary>The latest values as a new dictionary, metric → reading.</summary>
    public Dictionary<string, MetricReading> LatestValues()
    {
        var values = new Dictionary<string, MetricReading>(_latest.Length, StringComparer.Ordinal);
        foreach (var (metric, reading) in _latest)
        {
            values[metric] = reading;
        }

        return values;
    }

    /// <summary>
    /// Lets go of what a row read from storage brought and a twin need not hold: empty collections (rows written before these
    /// were allocated on use) and its own copy of a shared cell status.
    /// </summary>
    public void Compact()
    {
        ReportedToCell = ReportedCellStatus.Shared(ReportedToCell);
        if (_rarely is { } rarely && rarely.Compact())
        {
            _rarely = null;
        }
    }

    private int IndexOf(string metric)
    {
        var latest = _latest;
        for (var i = 0; i < latest.Length; i++)
        {
            // The gateway's parser shares metric names (MetricNames), so the reference check settles most lookups.
            if (ReferenceEquals(latest[i].Metric, metric) || string.Equals(latest[i].Metric, metric, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The object of rarely used collections for a stored member being read: none needed for a null one.</summary>
    private Rarely? RareFor(object? value) => value is null ? _rarely : Rare;

    private sealed class Rarely
    {
        public Dictionary<string, DeviceAlarm>? Alarms;
        public Dictionary<string, RuleState>? RuleStates;
        public List<DeviceCommand>? Commands;
        public List<EventReport>? PendingReports;
        public Dictionary<string, DateTimeOffset>? DetectionRaisedAt;
        public List<DetectionRecord>? Detections;
        public Dictionary<string, DetectionTally>? DetectionTallies;

        /// <summary>Drops the empty collections; true when none is left.</summary>
        public bool Compact()
        {
            Alarms = OrNull(Alarms);
            RuleStates = OrNull(RuleStates);
            Commands = OrNull(Commands);
            PendingReports = OrNull(PendingReports);
            DetectionRaisedAt = OrNull(DetectionRaisedAt);
            Detections = OrNull(Detections);
            DetectionTallies = OrNull(DetectionTallies);
            return Alarms is null && RuleStates is null && Commands is null && PendingReports is null
                && DetectionRaisedAt is null && Detections is null && DetectionTallies is null;
        }

        private static T? OrNull<T>(T? items)
            where T : class, System.Collections.ICollection => items is { Count: > 0 } ? items : null;
    }
}

/// <summary>A metric's latest value, as the twin keeps it in memory (stored as a dictionary entry: <see cref="DeviceTwinState"/>).</summary>
public readonly record struct LatestReading(string Metric, MetricReading Reading);

/// <summary>What the twin last told its grid cell, so that it tells it again only on a change.</summary>
/// <param name="Severities">The active alarms' severities, sorted and comma-joined, so equality is by value.</param>
[GenerateSerializer]
public sealed record ReportedCellStatus([property: Id(0)] bool Online, [property: Id(1)] string Severities)
{
    /// <summary>What the city's registration told the cell of a device not yet heard from: offline, no alarms.</summary>
    public static readonly ReportedCellStatus Registered = new(false, "");

    /// <summary>Online without alarms, as most devices are: one instance shared by their twins.</summary>
    private static readonly ReportedCellStatus Healthy = new(true, "");

    /// <summary>What the cell counts of a twin now: online state and alarm severities; null before it is provisioned.</summary>
    public static ReportedCellStatus? Of(DeviceTwinState twin)
    {
        ArgumentNullException.ThrowIfNull(twin);
        return twin.Profile is null ? null
            : twin.HasAlarms ? new ReportedCellStatus(twin.Online, string.Join(',', twin.Alarms.Select(a => a.Value.Severity).Order()))
            : Shared(twin.Online);
    }

    /// <summary>The shared instance equal to <paramref name="status"/> when there is one (a status read from storage is a copy of its own).</summary>
    public static ReportedCellStatus? Shared(ReportedCellStatus? status) =>
        status is { Severities.Length: 0 } ? Shared(status.Online) : status;

    private static ReportedCellStatus Shared(bool online) => online ? Healthy : Registered;

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

/// <summary>
/// Chart history, kept apart because it is larger and changes with every reading. In memory, one series per metric in a
/// small array, searched in turn (a dictionary for one metric costs about 200 bytes more); stored as the dictionary rows
/// have always held.
/// </summary>
[GenerateSerializer]
public sealed class DeviceHistoryState
{
    [NonSerialized] private MetricSeries[] _series = [];

    /// <summary>The series as rows of every version store them (the lists are the twin's own, not copies).</summary>
    [Id(0)]
    [Newtonsoft.Json.JsonProperty(nameof(Metrics), ObjectCreationHandling = Newtonsoft.Json.ObjectCreationHandling.Replace)]
    internal Dictionary<string, List<HistoryBucket>> StoredMetrics
    {
        get
        {
            var metrics = new Dictionary<string, List<HistoryBucket>>(_series.Length, StringComparer.Ordinal);
            foreach (var (metric, buckets) in _series)
            {
                metrics[metric] = buckets;
            }

            return metrics;
        }

        set => Metrics = value;
    }

    /// <summary>Each metric's buckets in time order, as a new read-only dictionary; setting it replaces them all.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public IReadOnlyDictionary<string, List<HistoryBucket>> Metrics
    {
        get => StoredMetrics.AsReadOnly();
        set => _series = value is null ? [] : [.. value.Select(m => new MetricSeries(m.Key, m.Value ?? []))];
    }

    /// <summary>The metric's buckets in time order, or null when it has none.</summary>
    public List<HistoryBucket>? Find(string metric)
    {
        foreach (var series in _series)
        {
            if (ReferenceEquals(series.Metric, metric) || string.Equals(series.Metric, metric, StringComparison.Ordinal))
            {
                return series.Buckets;
            }
        }

        return null;
    }

    /// <summary>The metric's buckets, an empty list added for a metric first heard.</summary>
    public List<HistoryBucket> For(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (Find(metric) is { } buckets)
        {
            return buckets;
        }

        buckets = new List<HistoryBucket>(1);
        _series = [.. _series, new MetricSeries(metric, buckets)];
        return buckets;
    }

    private readonly record struct MetricSeries(string Metric, List<HistoryBucket> Buckets);
}
