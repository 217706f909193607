using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>A day's case numbers, handed out in blocks and written before each block is, so a restart never repeats one.</summary>
public sealed class EventNumberGrain([PersistentState("eventNumber", "Default")] IPersistentState<EventNumberState> state)
    : Grain, IEventNumberGrain
{
    public async Task<int> TakeBlock(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var first = state.State.Last + 1;
        state.State.Last += size;
        state.State.Recent.Clear();
        await state.WriteStateAsync();
        return first;
    }
}

[GenerateSerializer]
public sealed class EventNumberState
{
    /// <summary>The last number handed out.</summary>
    [Id(0)] public int Last { get; set; }

    /// <summary>Numbers earlier versions handed out one at a time, by request key; no longer kept.</summary>
    [Id(1)] public List<NumberRequest> Recent { get; set; } = [];
}

[GenerateSerializer, Immutable]
public sealed record NumberRequest([property: Id(0)] string Key, [property: Id(1)] int Number);
