using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>One scope's KPI counters by day; a year of days is a few hundred small records.</summary>
public sealed class KpiLedgerGrain([PersistentState("kpiLedger", "Default")] IPersistentState<KpiLedgerState> state)
    : Grain, IKpiLedgerGrain
{
    public async Task Add(DateOnly day, EventKpiCounters delta, string changeKey)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentException.ThrowIfNullOrEmpty(changeKey);
        var key = KpiLedgerState.KeyOf(day);
        if (!state.State.Counted.TryGetValue(key, out var counted))
        {
            state.State.Counted[key] = counted = [];
        }

        if (!counted.Add(changeKey))
        {
            return;
        }

        var days = state.State.Days;
        days[key] = days.TryGetValue(key, out var sum) ? sum.Add(delta) : delta;
        await state.WriteStateAsync();
    }

    public Task<EventKpiCounters> Sum(DateOnly from, DateOnly to) =>
        Task.FromResult(state.State.Days
            .Where(d => string.CompareOrdinal(d.Key, KpiLedgerState.KeyOf(from)) >= 0 && string.CompareOrdinal(d.Key, KpiLedgerState.KeyOf(to)) <= 0)
            .Aggregate(EventKpiCounters.None, (sum, d) => sum.Add(d.Value)));
}

[GenerateSerializer]
public sealed class KpiLedgerState
{
    /// <summary>By ISO date (<c>2026-11-22</c>), which sorts as the days do and stores as plain text.</summary>
    [Id(0)] public Dictionary<string, EventKpiCounters> Days { get; set; } = [];

    /// <summary>The changes counted on each day, by change key, so a change retried is counted once.</summary>
    [Id(1)] public Dictionary<string, HashSet<string>> Counted { get; set; } = [];

    public static string KeyOf(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
