using CityOps.Grains.Interfaces.Situation;

namespace CityOps.DashboardHost.Situation.History;

/// <summary>A chart range of the situation history and the step its points are summed over.</summary>
public sealed record HistoryRange(string Name, TimeSpan Span, TimeSpan Step)
{
    public static IReadOnlyList<HistoryRange> All { get; } =
    [
        new("1h", TimeSpan.FromHours(1), TimeSpan.FromMinutes(1)),
        new("24h", TimeSpan.FromHours(24), TimeSpan.FromMinutes(5)),
        new("7d", TimeSpan.FromDays(7), TimeSpan.FromHours(1)),
    ];

    public static HistoryRange? Find(string? name) => All.FirstOrDefault(r => r.Name == (name ?? "24h"));
}

/// <summary>
/// One point of a history chart: the standing counts at the end of its step (summed over
/// districts) and what happened during it.
/// </summary>
public sealed record SituationPoint(
    DateTimeOffset At, int Devices, int Online, int Alarms, int CriticalAlarms, int OpenCases, int OverdueCases,
    int AlarmsRaised, int CasesOpened, int CasesClosed, int DevicesSilent);

/// <summary>Turns districts' minutes into chart points: one per step, standing counts from each district's last minute in the step, happenings summed.</summary>
public static class HistorySeries
{
    public static IReadOnlyList<SituationPoint> Points(IEnumerable<IEnumerable<MinuteCounts>> districts, DateTimeOffset from, DateTimeOffset to, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(districts);
        var buckets = new SortedDictionary<long, SituationPoint>();
        foreach (var minutes in districts)
        {
            foreach (var bucket in minutes.Where(m => m.Minute >= from && m.Minute < to).GroupBy(m => StepOf(m.Minute, from, step)))
            {
                var last = bucket.MaxBy(m => m.Minute)!;
                var point = new SituationPoint(
                    from + (step * bucket.Key), last.Devices, last.Online, last.Alarms, last.CriticalAlarms, last.OpenCases, last.OverdueCases,
                    bucket.Sum(m => m.AlarmsRaised), bucket.Sum(m => m.CasesOpened), bucket.Sum(m => m.CasesClosed), bucket.Sum(m => m.DevicesSilent));
                buckets[bucket.Key] = buckets.TryGetValue(bucket.Key, out var sum) ? Add(sum, point) : point;
            }
        }

        return [.. buckets.Values];
    }

    /// <summary>Days' counts of cases opened by category, summed, most first.</summary>
    public static IReadOnlyList<CategoryCount> Categories(IEnumerable<IReadOnlyDictionary<string, int>> days) =>
    [
        .. days.SelectMany(d => d)
            .GroupBy(c => c.Key, StringComparer.Ordinal)
            .Select(g => new CategoryCount(g.Key, g.Sum(c => c.Value)))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Category, StringComparer.Ordinal),
    ];

    private static long StepOf(DateTimeOffset at, DateTimeOffset from, TimeSpan step) => (at - from).Ticks / step.Ticks;

    private static SituationPoint Add(SituationPoint a, SituationPoint b) => a with
    {
        Devices = a.Devices + b.Devices,
        Online = a.Online + b.Online,
        Alarms = a.Alarms + b.Alarms,
        CriticalAlarms = a.CriticalAlarms + b.CriticalAlarms,
        OpenCases = a.OpenCases + b.OpenCases,
        OverdueCases = a.OverdueCases + b.OverdueCases,
        AlarmsRaised = a.AlarmsRaised + b.AlarmsRaised,
        CasesOpened = a.CasesOpened + b.CasesOpened,
        CasesClosed = a.CasesClosed + b.CasesClosed,
        DevicesSilent = a.DevicesSilent + b.DevicesSilent,
    };
}

public sealed record CategoryCount(string Category, int Count);
