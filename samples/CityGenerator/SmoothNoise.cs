namespace CityOps.Samples.CityGenerator;

/// <summary>
/// Value noise: random values on a coarse grid, smoothly interpolated per cell. It gives
/// terrain and region boundaries organic shapes instead of cell-sized jitter.
/// </summary>
public static class SmoothNoise
{
    /// <summary>One value in [0, 1] per lattice cell; <paramref name="spacing"/> is the feature size in cells.</summary>
    public static double[] Generate(Lattice lattice, Random random, int spacing)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(spacing, 1);
        var gridColumns = (lattice.Columns / spacing) + 2;
        var gridRows = (lattice.Rows / spacing) + 2;
        var grid = new double[gridColumns * gridRows];
        for (var i = 0; i < grid.Length; i++)
        {
            grid[i] = random.NextDouble();
        }

        var values = new double[lattice.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var x = (lattice.Column(i) + 0.5) / spacing;
            var y = (lattice.Row(i) + 0.5) / spacing;
            var x0 = (int)x;
            var y0 = (int)y;
            var tx = Fade(x - x0);
            var ty = Fade(y - y0);
            var south = Lerp(grid[(y0 * gridColumns) + x0], grid[(y0 * gridColumns) + x0 + 1], tx);
            var north = Lerp(grid[((y0 + 1) * gridColumns) + x0], grid[((y0 + 1) * gridColumns) + x0 + 1], tx);
            values[i] = Lerp(south, north, ty);
        }

        return values;
    }

    private static double Fade(double t) => t * t * (3 - (2 * t));

    private static double Lerp(double a, double b, double t) => a + ((b - a) * t);
}
