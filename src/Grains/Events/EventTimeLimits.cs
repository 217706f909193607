using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>
/// The time limit of each stage of one case. The catalogue's limits are set for the category's own
/// urgency; a case raised above it (an operator marks a report urgent, a hotline caller reports a
/// danger) gets them halved for each level it is above, and a case is never given longer than its
/// category allows. Halving keeps the limits whole ticks, so deadlines stay exact.
/// </summary>
public sealed record EventTimeLimits(StageLimits Limits, EventUrgency CategoryUrgency, EventUrgency CaseUrgency)
{
    /// <summary>How much faster each urgency runs than normal.</summary>
    public static IReadOnlyDictionary<EventUrgency, int> Speed { get; } = new Dictionary<EventUrgency, int>
    {
        [EventUrgency.Normal] = 1,
        [EventUrgency.Urgent] = 2,
        [EventUrgency.Emergency] = 4,
    };

    /// <summary>The limits of a catalogue category, for a case of the category's urgency unless another is given.</summary>
    public static EventTimeLimits FromCategory(CatalogueCategory category, EventUrgency? caseUrgency = null)
    {
        ArgumentNullException.ThrowIfNull(category);
        var urgency = ParseUrgency(category.Urgency);
        return new(category.Limits, urgency, caseUrgency ?? urgency);
    }

    /// <summary>A catalogue urgency (<c>normal</c>, <c>urgent</c>, <c>emergency</c>, any case).</summary>
    public static EventUrgency ParseUrgency(string urgency)
    {
        foreach (var known in Enum.GetValues<EventUrgency>())
        {
            if (string.Equals(known.ToString(), urgency, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        throw new ArgumentException($"Unknown urgency '{urgency}'.", nameof(urgency));
    }

    /// <summary>The limit of a stage; <see cref="TimeSpan.Zero"/> for <see cref="EventStage.None"/>, where no clock runs.</summary>
    public TimeSpan LimitOf(EventStage stage)
    {
        var minutes = stage switch
        {
            EventStage.None => 0,
            EventStage.Register => Limits.RegisterMinutes,
            EventStage.Dispatch => Limits.DispatchMinutes,
            EventStage.Handle => Limits.HandleMinutes,
            EventStage.Verify => Limits.VerifyMinutes,
            _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
        };
        if (stage != EventStage.None && minutes <= 0)
        {
            throw new InvalidOperationException($"The {ApiNames.Of(stage)} limit must be positive, not {minutes} minutes.");
        }

        var (category, @case) = (Speed[CategoryUrgency], Speed[CaseUrgency]);
        var limit = TimeSpan.FromMinutes(minutes);
        return @case > category ? TimeSpan.FromTicks(limit.Ticks * category / @case) : limit;
    }
}
