using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>
/// A day's case numbers, written before each is handed out so a restart never repeats one. The
/// numbers of the latest requests are remembered, so a retried admission gets its number again.
/// </summary>
public sealed class EventNumberGrain([PersistentState("eventNumber", "Default")] IPersistentState<EventNumberState> state)
    : Grain, IEventNumberGrain
{
    /// <summary>Far more than the admissions that can be retried at once.</summary>
    private const int RequestsRemembered = 1000;

    public async Task<int> Next(string requestKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestKey);
        var handedOut = state.State.Recent.Find(r => r.Key == requestKey);
        if (handedOut is not null)
        {
            return handedOut.Number;
        }

        state.State.Last++;
        state.State.Recent.Add(new NumberRequest(requestKey, state.State.Last));
        if (state.State.Recent.Count > RequestsRemembered)
        {
            state.State.Recent.RemoveRange(0, state.State.Recent.Count - RequestsRemembered);
        }

        await state.WriteStateAsync();
        return state.State.Last;
    }
}

[GenerateSerializer]
public sealed class EventNumberState
{
    [Id(0)] public int Last { get; set; }

    /// <summary>The latest requests and their numbers, oldest first.</summary>
    [Id(1)] public List<NumberRequest> Recent { get; set; } = [];
}

[GenerateSerializer, Immutable]
public sealed record NumberRequest([property: Id(0)] string Key, [property: Id(1)] int Number);
