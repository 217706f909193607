using CityOps.Grains.Interfaces.Situation;

namespace CityOps.Grains.Situation.History;

/// <summary>
/// A district's situation history for one UTC day (<see cref="ISituationHistoryGrain"/>). Each
/// <see cref="Record"/> is one finished minute from the district's feed, so the row is written at
/// most once a minute however busy the district is. Happenings are capped per day
/// (<see cref="MaxHappenings"/>); the minutes' counts stay exact beyond the cap.
/// </summary>
public sealed class SituationHistoryGrain(
    [PersistentState("situationHistory", "Default")] IPersistentState<SituationHistoryState> state) : Grain, ISituationHistoryGrain
{
    public const int MaxHappenings = 20_000;

    public async Task Record(MinuteCounts minute, SituationHappening[] happenings)
    {
        ArgumentNullException.ThrowIfNull(minute);
        ArgumentNullException.ThrowIfNull(happenings);
        var history = state.State;
        var first = history.Minutes.Count == 0 && history.Happenings.Count == 0;
        history.Minutes.RemoveAll(m => m.Minute == minute.Minute);
        history.Minutes.Add(minute);
        history.Minutes.Sort((a, b) => a.Minute.CompareTo(b.Minute));
        history.Happenings.AddRange(happenings.Take(MaxHappenings - history.Happenings.Count));
        await state.WriteStateAsync();
        if (first)
        {
            // A district's first minute of a day lets its day beyond the retention go.
            var (district, _) = Split(this.GetPrimaryKeyString());
            await GrainFactory.GetGrain<ISituationHistoryGrain>(SituationHistoryKeys.Of(district, minute.Minute.AddDays(-SituationHistoryKeys.RetentionDays))).Forget();
        }
    }

    public ValueTask<MinuteCounts[]> GetMinutes() => ValueTask.FromResult(state.State.Minutes.ToArray());

    public ValueTask<SituationHappening[]> GetHappenings(DateTimeOffset from, DateTimeOffset to) =>
        ValueTask.FromResult(state.State.Happenings.Where(h => h.At >= from && h.At < to).OrderBy(h => h.At).ToArray());

    public ValueTask<Dictionary<string, int>> CountOpenedByCategory(DateTimeOffset from, DateTimeOffset to) => ValueTask.FromResult(
        state.State.Happenings
            .Where(h => h.Kind == HappeningKind.CaseOpened && h.At >= from && h.At < to)
            .GroupBy(h => h.What, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));

    public async Task Forget()
    {
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }

        DeactivateOnIdle();
    }

    private static (string District, string Day) Split(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (key, string.Empty) : (key[..colon], key[(colon + 1)..]);
    }
}

/// <summary>A district's day: its minutes in order and its happenings as they came.</summary>
[GenerateSerializer]
public sealed class SituationHistoryState
{
    [Id(0)] public List<MinuteCounts> Minutes { get; set; } = [];

    [Id(1)] public List<SituationHappening> Happenings { get; set; } = [];
}
