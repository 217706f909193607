using CityOps.Grains.Interfaces.Departments;

namespace CityOps.Grains.Departments;

/// <summary>Distances on the earth between WGS 84 points, accurate to well under 1% at city scale.</summary>
public static class GeoDistance
{
    /// <summary>The mean earth radius (IUGG), the usual choice for the haversine formula.</summary>
    public const double EarthRadiusMetres = 6_371_008.8;

    public static double HaversineMetres(double longitude1, double latitude1, double longitude2, double latitude2)
    {
        var phi1 = double.DegreesToRadians(latitude1);
        var phi2 = double.DegreesToRadians(latitude2);
        var dPhi = phi2 - phi1;
        var dLambda = double.DegreesToRadians(longitude2 - longitude1);
        var h = (Math.Sin(dPhi / 2) * Math.Sin(dPhi / 2)) + (Math.Cos(phi1) * Math.Cos(phi2) * Math.Sin(dLambda / 2) * Math.Sin(dLambda / 2));
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>The position nearest to the point; ties go to the lowest username so the answer is stable.</summary>
    public static NearestResponder? Nearest(IEnumerable<ResponderPosition> positions, double longitude, double latitude) =>
        Rank(positions, longitude, latitude).FirstOrDefault();

    /// <summary>Every position with its distance to the point, nearest first, ties by username.</summary>
    public static IEnumerable<NearestResponder> Rank(IEnumerable<ResponderPosition> positions, double longitude, double latitude)
    {
        ArgumentNullException.ThrowIfNull(positions);
        return positions
            .Select(p => new NearestResponder(p, HaversineMetres(longitude, latitude, p.Longitude, p.Latitude)))
            .OrderBy(n => n.DistanceMetres)
            .ThenBy(n => n.Responder.Username, StringComparer.Ordinal);
    }
}
