namespace CityOps.Samples.CityGenerator;

/// <summary>
/// The river band that meanders west to east through the city, the ground elevation, and the
/// low-lying cells where a rainstorm leaves standing water.
/// </summary>
public sealed class Terrain
{
    /// <summary>The lowest share of land cells counts as low-lying: riverside flats and inland dips.</summary>
    public const double LowLyingShare = 0.12;

    private Terrain(bool[] river, double[] riverCentreRow, int[] riverDistance, double[] elevationM, bool[] lowLying)
    {
        River = river;
        RiverCentreRow = riverCentreRow;
        RiverDistance = riverDistance;
        ElevationM = elevationM;
        LowLying = lowLying;
    }

    /// <summary>Per cell: whether the cell is river water.</summary>
    public IReadOnlyList<bool> River { get; }

    /// <summary>Per column: the (fractional) row of the river's centre line.</summary>
    public IReadOnlyList<double> RiverCentreRow { get; }

    /// <summary>Per cell: steps (4-connected) to the nearest river cell; 0 on the river.</summary>
    public IReadOnlyList<int> RiverDistance { get; }

    /// <summary>Per cell: ground (or water surface) elevation in metres, one decimal.</summary>
    public IReadOnlyList<double> ElevationM { get; }

    /// <summary>Per cell: a land cell among the lowest <see cref="LowLyingShare"/> of the city.</summary>
    public IReadOnlyList<bool> LowLying { get; }

    public static Terrain Generate(Lattice lattice, Random random)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(random);
        var centre = RiverCentre(lattice, random);

        // About 3 cells (~400 m) wide in the default city, never narrower than 2 cells.
        var halfWidth = Math.Max(1.0, lattice.Rows * 0.018);
        var river = new bool[lattice.Count];
        for (var i = 0; i < lattice.Count; i++)
        {
            river[i] = Math.Abs(lattice.Row(i) + 0.5 - centre[lattice.Column(i)]) <= halfWidth;
        }

        var distance = DistanceFrom(lattice, river);
        var hills = SmoothNoise.Generate(lattice, random, spacing: 20);
        var dips = SmoothNoise.Generate(lattice, random, spacing: 4);
        var elevation = new double[lattice.Count];
        for (var i = 0; i < lattice.Count; i++)
        {
            // Flood plain rising away from the water, hills that are mostly flat (squared noise),
            // and small dips that make inland waterlogging spots.
            var metres = river[i]
                ? 18.0 + (0.5 * dips[i])
                : 20.5 + (3.0 * Math.Log(1 + distance[i])) + (12.0 * hills[i] * hills[i]) + (2.5 * dips[i]);
            elevation[i] = Math.Round(metres, 1);
        }

        return new Terrain(river, centre, distance, elevation, MarkLowLying(elevation, river));
    }

    private static double[] RiverCentre(Lattice lattice, Random random)
    {
        // Two sines make a meander that is not obviously periodic; amplitudes keep the river in
        // the middle third of the city so both banks have room for districts.
        var f1 = 1.1 + (0.5 * random.NextDouble());
        var f2 = 2.5 + random.NextDouble();
        var p1 = random.NextDouble() * 2 * Math.PI;
        var p2 = random.NextDouble() * 2 * Math.PI;
        var centre = new double[lattice.Columns];
        for (var column = 0; column < lattice.Columns; column++)
        {
            var x = 2 * Math.PI * column / lattice.Columns;
            centre[column] = lattice.Rows * (0.5 + (0.10 * Math.Sin((f1 * x) + p1)) + (0.04 * Math.Sin((f2 * x) + p2)));
        }

        return centre;
    }

    private static int[] DistanceFrom(Lattice lattice, bool[] sources)
    {
        var distance = new int[lattice.Count];
        Array.Fill(distance, -1);
        var queue = new Queue<int>();
        for (var i = 0; i < sources.Length; i++)
        {
            if (sources[i])
            {
                distance[i] = 0;
                queue.Enqueue(i);
            }
        }

        Span<int> neighbours = stackalloc int[4];
        while (queue.TryDequeue(out var cell))
        {
            var count = lattice.Neighbours(cell, neighbours);
            for (var k = 0; k < count; k++)
            {
                if (distance[neighbours[k]] < 0)
                {
                    distance[neighbours[k]] = distance[cell] + 1;
                    queue.Enqueue(neighbours[k]);
                }
            }
        }

        return distance;
    }

    private static bool[] MarkLowLying(double[] elevation, bool[] river)
    {
        var land = elevation.Where((_, i) => !river[i]).Order().ToArray();
        var lowLying = new bool[elevation.Length];
        if (land.Length == 0)
        {
            return lowLying;
        }

        var threshold = land[(int)(land.Length * LowLyingShare)];
        for (var i = 0; i < elevation.Length; i++)
        {
            lowLying[i] = !river[i] && elevation[i] < threshold;
        }

        return lowLying;
    }
}
