using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>A day's case numbers, written before each is handed out so a restart never repeats one.</summary>
public sealed class EventNumberGrain([PersistentState("eventNumber", "Default")] IPersistentState<EventNumberState> state)
    : Grain, IEventNumberGrain
{
    public async Task<int> Next()
    {
        state.State.Last++;
        await state.WriteStateAsync();
        return state.State.Last;
    }
}

[GenerateSerializer]
public sealed class EventNumberState
{
    [Id(0)] public int Last { get; set; }
}
