namespace CityOps.Grains.Interfaces.Departments;

/// <summary>The on-duty responder nearest to a point, and how far away they are.</summary>
[GenerateSerializer, Immutable]
public sealed record NearestResponder(
    [property: Id(0)] ResponderPosition Responder,
    [property: Id(1)] double DistanceMetres);

/// <summary>
/// A department (职能部门) that handles cases, keyed by its code (e.g. <c>water</c>). Its responder
/// grains keep it told who is on duty and where, so dispatch asks one grain, not every responder.
/// </summary>
public interface IDepartmentGrain : IGrainWithStringKey
{
    /// <summary>A responder is on duty at this position (a newer position replaces the older one).</summary>
    ValueTask ResponderOnDuty(ResponderPosition position);

    ValueTask ResponderOffDuty(string username);

    ValueTask<IReadOnlyList<ResponderPosition>> GetOnDuty();

    /// <summary>The nearest on-duty responder by great-circle distance; null when nobody is on duty.</summary>
    ValueTask<NearestResponder?> FindNearestOnDuty(double longitude, double latitude);

    /// <summary>
    /// The on-duty responders nearest first, at most <paramref name="count"/>: the suggestions a dispatcher
    /// chooses from (ranked by <c>GeoDistance.Rank</c>, the same order <see cref="FindNearestOnDuty"/> takes the first of).
    /// </summary>
    ValueTask<IReadOnlyList<NearestResponder>> RankOnDuty(double longitude, double latitude, int count);
}
