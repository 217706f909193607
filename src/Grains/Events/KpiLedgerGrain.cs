using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>One scope's KPI counters by day; a year of days is a few hundred small records.</summary>
public sealed class KpiLedgerGrain([PersistentState("kpiLedger", "Default")] IPersistentState<KpiLedgerState> state)
    : Grain, IKpiLedgerGrain
{
    public async Task Add(DateOnly day, EventKpiCounters delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var days = state.State.Days;
        days[day] = days.TryGetValue(day, out var counted) ? counted.Add(delta) : delta;
        await state.WriteStateAsync();
    }

    public Task<EventKpiCounters> Sum(DateOnly from, DateOnly to) =>
        Task.FromResult(state.State.Days
            .Where(d => d.Key >= from && d.Key <= to)
            .Aggregate(EventKpiCounters.None, (sum, d) => sum.Add(d.Value)));
}

[GenerateSerializer]
public sealed class KpiLedgerState
{
    [Id(0)] public Dictionary<DateOnly, EventKpiCounters> Days { get; set; } = [];
}
