using CityOps.Grains.Departments;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>
/// Duplicate reports at intake: two sensors or a sensor and a citizen reporting the same waterlogging.
/// A report duplicates an open case of the same category reported within the radius (great-circle
/// distance on WGS 84) and within the time window either side of it. Closed, rejected and merged
/// cases are not merged into: a new report after closure is a new occurrence.
/// </summary>
public static class DuplicateRule
{
    public static bool IsDuplicate(EventFootprint candidate, EventFootprint existing, double radiusMetres, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(existing);
        if (!double.IsFinite(radiusMetres) || radiusMetres < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(radiusMetres), radiusMetres, "The radius is a distance in metres.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);
        return existing.EventId != candidate.EventId
            && EventLifecycle.IsOpen(existing.State)
            && string.Equals(existing.Category, candidate.Category, StringComparison.Ordinal)
            && (existing.ReportedAt - candidate.ReportedAt).Duration() <= window
            && GeoDistance.HaversineMetres(candidate.Longitude, candidate.Latitude, existing.Longitude, existing.Latitude) <= radiusMetres;
    }

    /// <summary>The case to merge the candidate into: the earliest reported open duplicate (ties to the lowest id), or null.</summary>
    public static EventFootprint? FindPrimary(EventFootprint candidate, IEnumerable<EventFootprint> existing, double radiusMetres, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(existing);
        return existing
            .Where(e => IsDuplicate(candidate, e, radiusMetres, window))
            .OrderBy(e => e.ReportedAt)
            .ThenBy(e => e.EventId, StringComparer.Ordinal)
            .FirstOrDefault();
    }
}
