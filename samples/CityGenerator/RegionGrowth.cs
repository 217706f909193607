namespace CityOps.Samples.CityGenerator;

/// <summary>
/// Splits a set of cells into contiguous regions by growing them from seeds at the same time.
/// </summary>
public static class RegionGrowth
{
    /// <summary>
    /// Grows one region per seed over the cells where <paramref name="parentOf"/> equals
    /// <paramref name="parent"/>, writing <c>firstLabel + seed number</c> into <paramref name="labels"/>.
    /// A region only ever claims a neighbour of a cell it already holds, so every region is
    /// 4-connected and, the parent being connected, every parent cell ends up in exactly one child.
    /// Claims are made in order of travel cost (weight × cell costs), which bends boundaries
    /// along the cost field and lets heavier-weighted seeds end up smaller.
    /// </summary>
    public static void Grow(
        Lattice lattice,
        int[] parentOf,
        int parent,
        IReadOnlyList<int> seeds,
        IReadOnlyList<double> weights,
        double[] cost,
        int[] labels,
        int firstLabel)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(parentOf);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(labels);
        var queue = new PriorityQueue<(int Cell, int Seed), double>();
        for (var s = 0; s < seeds.Count; s++)
        {
            queue.Enqueue((seeds[s], s), 0);
        }

        Span<int> neighbours = stackalloc int[4];
        while (queue.TryDequeue(out var item, out var travelled))
        {
            if (labels[item.Cell] >= 0)
            {
                continue;
            }

            labels[item.Cell] = firstLabel + item.Seed;
            var count = lattice.Neighbours(item.Cell, neighbours);
            for (var k = 0; k < count; k++)
            {
                var next = neighbours[k];
                if (parentOf[next] == parent && labels[next] < 0)
                {
                    var step = weights[item.Seed] * (cost[item.Cell] + cost[next]) / 2;
                    queue.Enqueue((next, item.Seed), travelled + step);
                }
            }
        }
    }

    /// <summary>
    /// Picks well-spread seeds among <paramref name="cells"/> (Mitchell's best candidate: of a
    /// few random candidates keep the one farthest from the seeds so far), so that no region
    /// starts squeezed against another.
    /// </summary>
    public static int[] SpreadSeeds(Lattice lattice, IReadOnlyList<int> cells, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, cells.Count);
        const int Candidates = 24;
        var seeds = new List<int>(count) { cells[random.Next(cells.Count)] };
        while (seeds.Count < count)
        {
            var best = -1;
            var bestDistance = -1L;
            for (var c = 0; c < Candidates; c++)
            {
                var candidate = cells[random.Next(cells.Count)];
                var nearest = seeds.Min(seed => SquaredDistance(lattice, seed, candidate));
                if (nearest > 0 && nearest > bestDistance)
                {
                    best = candidate;
                    bestDistance = nearest;
                }
            }

            // Tiny parents can leave every candidate on an existing seed: take any free cell.
            seeds.Add(best >= 0 ? best : cells.First(cell => !seeds.Contains(cell)));
        }

        return [.. seeds];
    }

    private static long SquaredDistance(Lattice lattice, int a, int b)
    {
        long dx = lattice.Column(a) - lattice.Column(b);
        long dy = lattice.Row(a) - lattice.Row(b);
        return (dx * dx) + (dy * dy);
    }
}
