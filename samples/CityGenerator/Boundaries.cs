using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace CityOps.Samples.CityGenerator;

/// <summary>Region outlines as unions of lattice cells.</summary>
public static class Boundaries
{
    /// <summary>
    /// The union of the parts with the vertices in the middle of straight edges dropped: the
    /// overlay keeps a node at every cell corner along a boundary, which would only bloat the file.
    /// Every remaining vertex is still a lattice corner, so neighbours' edges coincide exactly.
    /// </summary>
    public static Geometry Union(IReadOnlyCollection<Geometry> parts, GeometryFactory factory)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(factory);
        return CascadedPolygonUnion.Union(parts.ToArray()) switch
        {
            Polygon polygon => Tidy(polygon, factory),
            MultiPolygon multi => factory.CreateMultiPolygon([.. multi.Geometries.Cast<Polygon>().Select(p => Tidy(p, factory))]),
            var other => throw new InvalidOperationException($"A union of cells gave a {other.GeometryType}, not polygons."),
        };
    }

    private static Polygon Tidy(Polygon polygon, GeometryFactory factory) =>
        factory.CreatePolygon(Tidy(polygon.Shell, factory), [.. polygon.Holes.Select(hole => Tidy(hole, factory))]);

    private static LinearRing Tidy(LinearRing ring, GeometryFactory factory)
    {
        var distinct = new List<Coordinate>();
        foreach (var point in ring.Coordinates.SkipLast(1))
        {
            if (distinct.Count == 0 || !point.Equals2D(distinct[^1]))
            {
                distinct.Add(point);
            }
        }

        while (distinct.Count > 1 && distinct[^1].Equals2D(distinct[0]))
        {
            distinct.RemoveAt(distinct.Count - 1);
        }

        var n = distinct.Count;
        var kept = new List<Coordinate>(n + 1);
        for (var i = 0; i < n; i++)
        {
            var previous = distinct[(i + n - 1) % n];
            var current = distinct[i];
            var next = distinct[(i + 1) % n];
            var straight = (previous.X == current.X && current.X == next.X) || (previous.Y == current.Y && current.Y == next.Y);
            if (!straight)
            {
                kept.Add(current.Copy());
            }
        }

        kept.Add(kept[0].Copy());
        return factory.CreateLinearRing([.. kept]);
    }
}
