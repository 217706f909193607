using NetTopologySuite.Geometries;

namespace CityOps.Samples.CityGenerator;

/// <summary>
/// One feature of the city's basemap. <see cref="Layer"/> and <see cref="Class"/> follow the
/// OpenMapTiles schema (<c>water</c>, <c>transportation</c> with <c>primary</c>/<c>secondary</c>/<c>minor</c>,
/// <c>park</c>, <c>building</c>), so the engine's map style draws the sample city and an
/// OpenStreetMap extract alike.
/// </summary>
public sealed record BasemapFeature(string Layer, string Class, string? Name, Geometry Geometry);

/// <summary>
/// The sample city's basemap, drawn from its layout: the river band, a few lakes in low-lying
/// ground, parks, main roads (the <see cref="RoadNetwork"/>'s avenues, roads and riverside roads),
/// secondary and minor streets on the lattice, and building blocks between them. It draws from its
/// own random generator, so the regions, cells and devices of a seed stay as they were.
/// </summary>
public static class Basemap
{
    private static readonly string[] LakeNames = ["镜湖", "南湖", "翠湖", "月湖", "白鹭湖"];

    private static readonly string[] ParkNames = ["人民公园", "澜江公园", "滨江湿地公园", "青山公园", "文化公园", "植物园", "体育公园", "森林公园"];

    /// <summary>Streets every this many cells (~260 m) are minor, every <see cref="SecondaryEvery"/> secondary.</summary>
    private const int MinorEvery = 2;

    private const int SecondaryEvery = 6;

    public static IReadOnlyList<BasemapFeature> Draw(CityLayout layout, int seed)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var random = new Random(unchecked(seed + 2));
        var lattice = layout.Lattice;
        var factory = layout.Factory;
        var features = new List<BasemapFeature> { new("water", "river", "澜江", River(layout)) };

        // Cells taken by water or parks carry no buildings.
        var taken = new bool[lattice.Count];
        for (var cell = 0; cell < lattice.Count; cell++)
        {
            taken[cell] = layout.Terrain.River[cell];
        }

        foreach (var (name, centre, radius) in Spots(layout, random, LakeNames.Length - 2, c => layout.Terrain.LowLying[c] && layout.Terrain.RiverDistance[c] > 6, 1.6, 2.6))
        {
            features.Add(new("water", "lake", LakeNames[name], Ellipse(layout, centre, radius, random)));
            Take(layout, taken, centre, radius + 0.5);
        }

        var parks = Spots(layout, random, Math.Min(ParkNames.Length, 3 + (lattice.Count / 2000)), c => !taken[c] && layout.Terrain.RiverDistance[c] > 2, 1.5, 3.0);
        foreach (var (name, centre, radius) in parks)
        {
            features.Add(new("park", "park", ParkNames[name], Block(layout, centre, radius, radius * 0.8)));
            Take(layout, taken, centre, radius);
        }

        features.AddRange(Roads(layout));
        features.AddRange(Buildings(layout, taken, random));
        return features;
    }

    private static (double Lon, double Lat) Point(Lattice lattice, double column, double row) =>
        (Round(Lattice.Degrees(lattice.WestMicro) + (column * Lattice.CellWidthMicro / Lattice.MicroDegreesPerDegree)),
         Round(Lattice.Degrees(lattice.SouthMicro) + (row * Lattice.CellHeightMicro / Lattice.MicroDegreesPerDegree)));

    private static double Round(double degrees) => Math.Round(degrees, 6);

    private static Coordinate At(Lattice lattice, double column, double row)
    {
        var (lon, lat) = Point(lattice, column, row);
        return new Coordinate(lon, lat);
    }

    /// <summary>The river's banks, one vertex per column, from the cells the terrain made water.</summary>
    private static Polygon River(CityLayout layout)
    {
        var lattice = layout.Lattice;
        var south = new List<Coordinate>();
        var north = new List<Coordinate>();
        for (var column = 0; column < lattice.Columns; column++)
        {
            var rows = Enumerable.Range(0, lattice.Rows).Where(r => layout.Terrain.River[lattice.Index(column, r)]).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            var x = column == 0 ? 0 : column == lattice.Columns - 1 ? lattice.Columns : column + 0.5;
            south.Add(At(lattice, x, rows[0] + 0.25));
            north.Add(At(lattice, x, rows[^1] + 0.75));
        }

        north.Reverse();
        return layout.Factory.CreatePolygon([.. south, .. north, south[0]]);
    }

    /// <summary>Places that suit <paramref name="fits"/>, spread apart, each with a radius in cells.</summary>
    private static List<(int Name, int Centre, double Radius)> Spots(CityLayout layout, Random random, int count, Func<int, bool> fits, double minRadius, double maxRadius)
    {
        var lattice = layout.Lattice;
        var candidates = Enumerable.Range(0, lattice.Count)
            .Where(c => fits(c) && lattice.Column(c) > 4 && lattice.Column(c) < lattice.Columns - 5 && lattice.Row(c) > 4 && lattice.Row(c) < lattice.Rows - 5)
            .ToArray();
        random.Shuffle(candidates);
        var spacing = Math.Max(8, Math.Sqrt(lattice.Count / (double)Math.Max(1, count)) / 2);
        var chosen = new List<(int, int, double)>();
        foreach (var cell in candidates)
        {
            if (chosen.Count == count)
            {
                break;
            }

            if (chosen.All(s => Distance(lattice, s.Item2, cell) > spacing))
            {
                chosen.Add((chosen.Count, cell, minRadius + ((maxRadius - minRadius) * random.NextDouble())));
            }
        }

        return chosen;
    }

    private static double Distance(Lattice lattice, int a, int b) =>
        Math.Sqrt(Math.Pow(lattice.Column(a) - lattice.Column(b), 2) + Math.Pow(lattice.Row(a) - lattice.Row(b), 2));

    private static void Take(CityLayout layout, bool[] taken, int centre, double radius)
    {
        var lattice = layout.Lattice;
        for (var cell = 0; cell < lattice.Count; cell++)
        {
            if (Distance(lattice, centre, cell) <= radius + 0.5)
            {
                taken[cell] = true;
            }
        }
    }

    private static Polygon Ellipse(CityLayout layout, int centre, double radius, Random random)
    {
        var lattice = layout.Lattice;
        var cx = lattice.Column(centre) + 0.5;
        var cy = lattice.Row(centre) + 0.5;
        var stretch = 0.7 + (0.6 * random.NextDouble());
        var ring = new Coordinate[33];
        for (var k = 0; k < 32; k++)
        {
            var angle = 2 * Math.PI * k / 32;
            var wobble = 1 + (0.12 * Math.Sin(3 * angle));
            ring[k] = At(lattice, cx + (radius * stretch * wobble * Math.Cos(angle)), cy + (radius / stretch * wobble * Math.Sin(angle)));
        }

        ring[32] = ring[0];
        return layout.Factory.CreatePolygon(ring);
    }

    private static Polygon Block(CityLayout layout, int centre, double halfWidth, double halfHeight)
    {
        var lattice = layout.Lattice;
        var cx = lattice.Column(centre) + 0.5;
        var cy = lattice.Row(centre) + 0.5;
        return Rectangle(layout, cx - halfWidth, cy - halfHeight, cx + halfWidth, cy + halfHeight);
    }

    private static Polygon Rectangle(CityLayout layout, double west, double south, double east, double north)
    {
        var lattice = layout.Lattice;
        var sw = At(lattice, west, south);
        return layout.Factory.CreatePolygon([sw, At(lattice, east, south), At(lattice, east, north), At(lattice, west, north), sw.Copy()]);
    }

    private static IEnumerable<BasemapFeature> Roads(CityLayout layout)
    {
        var lattice = layout.Lattice;
        var roads = layout.Roads;
        var factory = layout.Factory;
        var avenues = roads.AvenueColumns.ToHashSet();
        var eastWest = roads.RoadRows.ToHashSet();
        for (var k = 0; k < roads.AvenueColumns.Count; k++)
        {
            var x = roads.AvenueColumns[k] + 0.5;
            yield return new("transportation", "primary", roads.Names[k], factory.CreateLineString([At(lattice, x, 0), At(lattice, x, lattice.Rows)]));
        }

        for (var k = 0; k < roads.RoadRows.Count; k++)
        {
            var y = roads.RoadRows[k] + 0.5;
            yield return new("transportation", "primary", roads.Names[roads.AvenueColumns.Count + k], factory.CreateLineString([At(lattice, 0, y), At(lattice, lattice.Columns, y)]));
        }

        // The riverside roads follow the banks a cell away from the water.
        var river = River(layout).ExteriorRing.Coordinates;
        var half = (river.Length - 1) / 2;
        var cellHeight = Lattice.CellHeightMicro / Lattice.MicroDegreesPerDegree;
        yield return new("transportation", "primary", NamePools.RiverSouthBankRoad,
            factory.CreateLineString([.. river.Take(half).Select(c => new Coordinate(c.X, Round(c.Y - (cellHeight * 0.6))))]));
        yield return new("transportation", "primary", NamePools.RiverNorthBankRoad,
            factory.CreateLineString([.. river.Skip(half).Take(half).Select(c => new Coordinate(c.X, Round(c.Y + (cellHeight * 0.6))))]));

        // Streets on the lattice; none runs along the river itself, which only main roads bridge.
        for (var column = MinorEvery; column < lattice.Columns; column += MinorEvery)
        {
            if (avenues.Contains(column) || avenues.Contains(column - 1))
            {
                continue;
            }

            foreach (var (from, to) in Runs(lattice.Rows, r => !layout.Terrain.River[lattice.Index(Math.Min(column, lattice.Columns - 1), r)]))
            {
                yield return new("transportation", column % SecondaryEvery == 0 ? "secondary" : "minor", null,
                    factory.CreateLineString([At(lattice, column, from), At(lattice, column, to)]));
            }
        }

        for (var row = MinorEvery; row < lattice.Rows; row += MinorEvery)
        {
            if (eastWest.Contains(row) || eastWest.Contains(row - 1))
            {
                continue;
            }

            foreach (var (from, to) in Runs(lattice.Columns, c => !layout.Terrain.River[lattice.Index(c, row)] && !layout.Terrain.River[lattice.Index(c, row - 1)]))
            {
                yield return new("transportation", row % SecondaryEvery == 0 ? "secondary" : "minor", null,
                    factory.CreateLineString([At(lattice, from, row), At(lattice, to, row)]));
            }
        }
    }

    /// <summary>Stretches of at least two consecutive positions where <paramref name="open"/> holds, as [from, to).</summary>
    private static IEnumerable<(int From, int To)> Runs(int length, Func<int, bool> open)
    {
        var start = -1;
        for (var i = 0; i <= length; i++)
        {
            var isOpen = i < length && open(i);
            if (isOpen && start < 0)
            {
                start = i;
            }
            else if (!isOpen && start >= 0)
            {
                if (i - start >= 2)
                {
                    yield return (start, i);
                }

                start = -1;
            }
        }
    }

    /// <summary>
    /// Blocks of 2×2 cells between the minor streets, each split into two to four buildings with
    /// gaps; denser near the centre, sparse at the edge.
    /// </summary>
    private static IEnumerable<BasemapFeature> Buildings(CityLayout layout, bool[] taken, Random random)
    {
        var lattice = layout.Lattice;
        for (var row = 0; row + 1 < lattice.Rows; row += MinorEvery)
        {
            for (var column = 0; column + 1 < lattice.Columns; column += MinorEvery)
            {
                int[] cells = [lattice.Index(column, row), lattice.Index(column + 1, row), lattice.Index(column, row + 1), lattice.Index(column + 1, row + 1)];
                if (cells.Any(c => taken[c]))
                {
                    continue;
                }

                var dx = (column / (double)lattice.Columns) - 0.5;
                var dy = (row / (double)lattice.Rows) - 0.5;
                var density = 0.95 - (1.6 * Math.Sqrt((dx * dx) + (dy * dy)));
                if (random.NextDouble() > density)
                {
                    continue;
                }

                var split = 2 + random.Next(3);
                const double Margin = 0.18;
                const double Gap = 0.12;
                var width = (2 - (2 * Margin) - ((split - 1) * Gap)) / split;
                for (var k = 0; k < split; k++)
                {
                    var west = column + Margin + (k * (width + Gap));
                    var depth = 0.6 + (0.9 * random.NextDouble());
                    yield return new("building", "building", null, Rectangle(layout, west, row + Margin, west + width, row + Margin + depth));
                }
            }
        }
    }
}
