using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>
/// A case's merges in flight, kept in memory only: the cases being merged into this one (their claims) and
/// the case this one is being merged into. A claim is decided at once, without awaiting, so it is atomic
/// however the grain's calls interleave; that is what keeps two merges of the same pair, each calling the
/// other, from waiting on each other or both being stored.
/// </summary>
public sealed class MergeClaims
{
    private readonly HashSet<string> _claimedBy = [];

    /// <summary>The case this one is being merged into, while that merge is in flight.</summary>
    public string? MergingInto { get; set; }

    public bool IsClaimedBy(string duplicateEventId) => _claimedBy.Contains(duplicateEventId);

    public void Release(string duplicateEventId) => _claimedBy.Remove(duplicateEventId);

    /// <summary>
    /// A case takes a duplicate while it is open and neither merged nor being merged itself. When two cases are
    /// being merged into each other at once, the one with the smaller id goes in and the other is refused.
    /// </summary>
    public MergeClaimRefusal? Claim(UrbanEventState c, string eventId, string duplicateEventId)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Report is null)
        {
            return new(RefusalKind.InputMissing, $"no case '{eventId}'");
        }

        if (c.MergedInto is { } mergedInto)
        {
            return new(RefusalKind.PrimaryUnavailable, mergedInto == duplicateEventId
                ? Cycle($"case '{eventId}' is merged into this case")
                : $"case '{eventId}' is merged into '{mergedInto}'; merge into '{mergedInto}' instead");
        }

        if (!EventLifecycle.IsOpen(c.Status.State))
        {
            return new(RefusalKind.PrimaryUnavailable, $"case '{eventId}' is {c.Status.State.ToString().ToLowerInvariant()}; merge into an open case");
        }

        if (MergingInto is { } target)
        {
            if (target != duplicateEventId)
            {
                return new(RefusalKind.PrimaryUnavailable, $"case '{eventId}' is being merged into '{target}'; merge into '{target}' instead");
            }

            if (string.CompareOrdinal(duplicateEventId, eventId) > 0)
            {
                return new(RefusalKind.PrimaryUnavailable, Cycle($"case '{eventId}' is being merged into this case"));
            }
        }

        _claimedBy.Add(duplicateEventId);
        return null;
    }

    public static string Cycle(string why) => $"{why}; merging this case into it would make a cycle";
}
