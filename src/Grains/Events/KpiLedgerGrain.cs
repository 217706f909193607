using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>One scope's KPI counters by day, kept for <see cref="EventOptions.KpiRetentionDays"/>: a few hundred small records.</summary>
public sealed class KpiLedgerGrain([PersistentState("kpiLedger", "Default")] IPersistentState<KpiLedgerState> state, EventServices services)
    : Grain, IKpiLedgerGrain
{
    /// <summary>The day this activation last trimmed its days and remembered changes: both move only when the day does.</summary>
    private DateOnly? _trimmedOn;

    public async Task Add(DateOnly day, EventKpiCounters delta, string eventId, int version)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var keptFrom = KeptFrom();
        var today = keptFrom.AddDays(services.Options.KpiRetentionDays - 1);
        var trimmed = false;
        if (_trimmedOn != today)
        {
            trimmed = state.State.TrimBefore(keptFrom) | state.State.ForgetChangesBefore(today.AddDays(1 - KpiLedgerState.ChangesKeptDays));
            _trimmedOn = today;
        }

        // A day the retention has passed would be dropped at once: it is not counted.
        var counted = day >= keptFrom && state.State.Count(day, delta, eventId, version, today);
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
    /// <summary>
    /// How many days (today included) the ledger remembers which change of a case it counted last. A
    /// change is retried within seconds of a failure, or at the next start; one that reaches the ledger
    /// again after this is counted again.
    /// </summary>
    public const int ChangesKeptDays = 7;

    /// <summary>By ISO date (<c>2026-11-22</c>), which sorts as the days do and stores as plain text.</summary>
    [Id(0)] public Dictionary<string, EventKpiCounters> Days { get; set; } = [];

    /// <summary>Change keys (<c>{case}@{version}</c>) by day, as earlier versions kept them; read once into <see cref="Changes"/>.</summary>
    [Id(1)] public Dictionary<string, HashSet<string>> Counted { get; set; } = [];

    /// <summary>
    /// Per case, the last version counted and the day it arrived. A case's changes arrive in order of
    /// version (its follow-ups are applied one after the other), so one number per case recognises
    /// every repeat, and the state grows with the cases of the last days, not with every action.
    /// </summary>
    [Id(2)] public Dictionary<string, CountedChange> Changes { get; set; } = [];

    public static string KeyOf(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Adds a case change's counts to its day unless that version of the case, or a later one, was
    /// counted; false when it was. <paramref name="today"/> is the day it arrives on.
    /// </summary>
    public bool Count(DateOnly day, EventKpiCounters delta, string eventId, int version, DateOnly today)
    {
        ReadEarlierKeys();
        if (Changes.TryGetValue(eventId, out var last) && last.Version >= version)
        {
            return false;
        }

        Changes[eventId] = new CountedChange(version, today);
        var key = KeyOf(day);
        Days[key] = Days.TryGetValue(key, out var sum) ? sum.Add(delta) : delta;
        return true;
    }

    /// <summary>Drops the counters of the days before <paramref name="day"/>; true when there were some.</summary>
    public bool TrimBefore(DateOnly day)
    {
        var limit = KeyOf(day);
        var old = Days.Keys.Where(key => string.CompareOrdinal(key, limit) < 0).ToList();
        foreach (var key in old)
        {
            Days.Remove(key);
        }

        return old.Count > 0;
    }

    /// <summary>Forgets the cases whose last counted change arrived before <paramref name="day"/>; true when there were some.</summary>
    public bool ForgetChangesBefore(DateOnly day)
    {
        var migrated = ReadEarlierKeys();
        var old = Changes.Where(c => c.Value.ArrivedOn < day).Select(c => c.Key).ToList();
        foreach (var eventId in old)
        {
            Changes.Remove(eventId);
        }

        return migrated || old.Count > 0;
    }

    /// <summary>The counters of the days from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    public EventKpiCounters Sum(DateOnly from, DateOnly to)
    {
        var (first, last) = (KeyOf(from), KeyOf(to));
        return Days
            .Where(d => string.CompareOrdinal(d.Key, first) >= 0 && string.CompareOrdinal(d.Key, last) <= 0)
            .Aggregate(EventKpiCounters.None, (sum, d) => sum.Add(d.Value));
    }

    /// <summary>Turns the change keys an earlier version stored into the last version per case; true when there were any.</summary>
    private bool ReadEarlierKeys()
    {
        if (Counted.Count == 0)
        {
            return false;
        }

        foreach (var (dayKey, keys) in Counted)
        {
            var arrived = DateOnly.ParseExact(dayKey, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var changeKey in keys)
            {
                var at = changeKey.LastIndexOf('@');
                if (at > 0 && int.TryParse(changeKey.AsSpan(at + 1), System.Globalization.CultureInfo.InvariantCulture, out var version)
                    && (!Changes.TryGetValue(changeKey[..at], out var known) || known.Version < version))
                {
                    Changes[changeKey[..at]] = new CountedChange(version, arrived);
                }
            }
        }

        Counted.Clear();
        return true;
    }
}

/// <summary>The last version of a case a ledger counted, and the day that change arrived.</summary>
[GenerateSerializer, Immutable]
public sealed record CountedChange([property: Id(0)] int Version, [property: Id(1)] DateOnly ArrivedOn);
