using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>One scope's KPI counters by day, kept for <see cref="EventOptions.KpiRetentionDays"/>: a few hundred small records.</summary>
public sealed class KpiLedgerGrain([PersistentState("kpiLedger", "Default")] IPersistentState<KpiLedgerState> state, EventServices services)
    : Grain, IKpiLedgerGrain
{
    public async Task Add(DateOnly day, EventKpiCounters delta, string changeKey)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentException.ThrowIfNullOrEmpty(changeKey);
        var keptFrom = KeptFrom();
        var trimmed = state.State.TrimBefore(keptFrom);

        // A day the retention has passed would be dropped at once: it is not counted.
        var counted = day >= keptFrom && state.State.Count(day, delta, changeKey);
        if (counted || trimmed)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<KpiSum> Sum(DateOnly from, DateOnly to)
    {
        var keptFrom = KeptFrom();
        return Task.FromResult(new KpiSum(state.State.Sum(from < keptFrom ? keptFrom : from, to), keptFrom));
    }

    /// <summary>The earliest day kept: the retention counts back from the city's today, today included.</summary>
    private DateOnly KeptFrom() =>
        CityDays.DayOf(services.Clock.GetUtcNow(), services.Options.KpiUtcOffset).AddDays(1 - services.Options.KpiRetentionDays);
}

[GenerateSerializer]
public sealed class KpiLedgerState
{
    /// <summary>By ISO date (<c>2026-11-22</c>), which sorts as the days do and stores as plain text.</summary>
    [Id(0)] public Dictionary<string, EventKpiCounters> Days { get; set; } = [];

    /// <summary>The changes counted on each day, by change key, so a change retried is counted once.</summary>
    [Id(1)] public Dictionary<string, HashSet<string>> Counted { get; set; } = [];

    public static string KeyOf(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Adds a change's counts to its day unless its key was counted there; false when it was.</summary>
    public bool Count(DateOnly day, EventKpiCounters delta, string changeKey)
    {
        var key = KeyOf(day);
        if (!Counted.TryGetValue(key, out var counted))
        {
            Counted[key] = counted = [];
        }

        if (!counted.Add(changeKey))
        {
            return false;
        }

        Days[key] = Days.TryGetValue(key, out var sum) ? sum.Add(delta) : delta;
        return true;
    }

    /// <summary>Drops the counters and counted keys of the days before <paramref name="day"/>; true when there were some.</summary>
    public bool TrimBefore(DateOnly day)
    {
        var limit = KeyOf(day);
        var old = Days.Keys.Union(Counted.Keys).Where(key => string.CompareOrdinal(key, limit) < 0).ToList();
        foreach (var key in old)
        {
            Days.Remove(key);
            Counted.Remove(key);
        }

        return old.Count > 0;
    }

    /// <summary>The counters of the days from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    public EventKpiCounters Sum(DateOnly from, DateOnly to)
    {
        var (first, last) = (KeyOf(from), KeyOf(to));
        return Days
            .Where(d => string.CompareOrdinal(d.Key, first) >= 0 && string.CompareOrdinal(d.Key, last) <= 0)
            .Aggregate(EventKpiCounters.None, (sum, d) => sum.Add(d.Value));
    }
}
