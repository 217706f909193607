using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>
/// A day's case numbers, handed out in blocks and written before each block is, so a restart never
/// repeats one; each district's latest block is remembered, so asking for it again (its index died
/// before storing it) gives it again instead of leaving a gap.
/// </summary>
public sealed class EventNumberGrain([PersistentState("eventNumber", "Default")] IPersistentState<EventNumberState> state)
    : Grain, IEventNumberGrain
{
    public async Task<int> TakeBlock(string district, int sequence, int size)
    {
        ArgumentException.ThrowIfNullOrEmpty(district);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (state.State.Granted.TryGetValue(district, out var granted) && granted.Sequence == sequence && granted.Size == size)
        {
            return granted.First;
        }

        var first = state.State.Last + 1;
        state.State.Last += size;
        state.State.Granted[district] = new BlockGrant(sequence, first, size);
        state.State.Recent.Clear();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Storage may or may not hold the block: read it again before handing out the next.
            DeactivateOnIdle();
            throw;
        }

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

    /// <summary>The latest block each district's index was given, by district code.</summary>
    [Id(2)] public Dictionary<string, BlockGrant> Granted { get; set; } = [];
}

[GenerateSerializer, Immutable]
public sealed record NumberRequest([property: Id(0)] string Key, [property: Id(1)] int Number);

/// <summary>The <see cref="Sequence"/>-th block of a district's day: <see cref="Size"/> numbers from <see cref="First"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record BlockGrant([property: Id(0)] int Sequence, [property: Id(1)] int First, [property: Id(2)] int Size);
