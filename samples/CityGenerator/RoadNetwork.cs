namespace CityOps.Samples.CityGenerator;

/// <summary>Which main streets run through a cell.</summary>
[Flags]
public enum RoadAxis
{
    None = 0,
    NorthSouth = 1,
    EastWest = 2,
    Riverside = 4,
}

/// <summary>
/// The main streets: a loose grid of north-south avenues and east-west roads, plus the two
/// riverside roads that follow the meander. Smart poles stand along them and every device is
/// named after the main street nearest to it.
/// </summary>
public sealed class RoadNetwork
{
    private RoadNetwork(string[] names, RoadAxis[] axis, int[] nearestRoad, int[] avenueColumns, int[] roadRows)
    {
        Names = names;
        Axis = axis;
        NearestRoad = nearestRoad;
        AvenueColumns = avenueColumns;
        RoadRows = roadRows;
    }

    /// <summary>The lattice column of each avenue, in the order of their names (<see cref="Names"/> from 0).</summary>
    public IReadOnlyList<int> AvenueColumns { get; }

    /// <summary>The lattice row of each east-west road; its name follows the avenues' in <see cref="Names"/>.</summary>
    public IReadOnlyList<int> RoadRows { get; }

    public IReadOnlyList<string> Names { get; }

    /// <summary>Per cell: the main streets through it (never on river cells: bridges carry no poles).</summary>
    public IReadOnlyList<RoadAxis> Axis { get; }

    /// <summary>Per cell: index into <see cref="Names"/> of the nearest main street.</summary>
    public IReadOnlyList<int> NearestRoad { get; }

    public string NearestRoadName(int cell) => Names[NearestRoad[cell]];

    public static RoadNetwork Generate(Lattice lattice, Terrain terrain, Random random)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(terrain);
        ArgumentNullException.ThrowIfNull(random);
        var names = new List<string>();
        var roadOf = new int[lattice.Count];
        Array.Fill(roadOf, -1);
        var axis = new RoadAxis[lattice.Count];

        void Lay(int cell, RoadAxis direction, int road)
        {
            if (terrain.River[cell])
            {
                return;
            }

            axis[cell] |= direction;
            if (roadOf[cell] < 0)
            {
                roadOf[cell] = road;
            }
        }

        // Avenues about every 1.8 km, roads about every 1.6 km (14 and 12 cells).
        var avenueNames = NamePools.AvenueNames.ToArray();
        random.Shuffle(avenueNames);
        var avenueColumns = Spread(lattice.Columns, Math.Clamp(lattice.Columns / 14, 2, avenueNames.Length), random);
        for (var k = 0; k < avenueColumns.Length; k++)
        {
            names.Add(avenueNames[k]);
            for (var row = 0; row < lattice.Rows; row++)
            {
                Lay(lattice.Index(avenueColumns[k], row), RoadAxis.NorthSouth, names.Count - 1);
            }
        }

        var roadNames = NamePools.RoadNames.ToArray();
        random.Shuffle(roadNames);
        var roadRows = Spread(lattice.Rows, Math.Clamp(lattice.Rows / 12, 2, roadNames.Length), random);
        for (var k = 0; k < roadRows.Length; k++)
        {
            names.Add(roadNames[k]);
            for (var column = 0; column < lattice.Columns; column++)
            {
                Lay(lattice.Index(column, roadRows[k]), RoadAxis.EastWest, names.Count - 1);
            }
        }

        var northBank = names.Count;
        names.Add(NamePools.RiverNorthBankRoad);
        names.Add(NamePools.RiverSouthBankRoad);
        for (var cell = 0; cell < lattice.Count; cell++)
        {
            if (terrain.RiverDistance[cell] == 1)
            {
                var north = lattice.Row(cell) + 0.5 > terrain.RiverCentreRow[lattice.Column(cell)];
                Lay(cell, RoadAxis.Riverside, north ? northBank : northBank + 1);
            }
        }

        return new RoadNetwork([.. names], axis, NearestFrom(lattice, roadOf), avenueColumns, roadRows);
    }

    /// <summary>Evenly spaced lines with a little jitter (less than half the spacing), kept off the city edge.</summary>
    private static int[] Spread(int length, int count, Random random)
    {
        var spacing = (double)length / (count + 1);
        var jitter = (int)(spacing / 4);
        var lines = new int[count];
        for (var k = 0; k < count; k++)
        {
            lines[k] = Math.Clamp((int)Math.Round(spacing * (k + 1)) + random.Next(-jitter, jitter + 1), 1, length - 2);
        }

        return lines;
    }

    private static int[] NearestFrom(Lattice lattice, int[] roadOf)
    {
        var nearest = (int[])roadOf.Clone();
        var queue = new Queue<int>();
        for (var cell = 0; cell < nearest.Length; cell++)
        {
            if (nearest[cell] >= 0)
            {
                queue.Enqueue(cell);
            }
        }

        Span<int> neighbours = stackalloc int[4];
        while (queue.TryDequeue(out var cell))
        {
            var count = lattice.Neighbours(cell, neighbours);
            for (var k = 0; k < count; k++)
            {
                if (nearest[neighbours[k]] < 0)
                {
                    nearest[neighbours[k]] = nearest[cell];
                    queue.Enqueue(neighbours[k]);
                }
            }
        }

        return nearest;
    }
}
