using NetTopologySuite.Geometries;

namespace CityOps.Samples.CityGenerator;

/// <summary>
/// The rectangular lattice of unit grid cells. Corners sit on whole micro-degrees, so every
/// coordinate is exact at 6 decimals and neighbouring cells share bit-identical edges.
/// Index 0 is the south-west cell; rows grow northwards, columns eastwards.
/// </summary>
public sealed class Lattice
{
    public const double MicroDegreesPerDegree = 1_000_000.0;

    /// <summary>About 128 m east-west at latitude 27.6°.</summary>
    public const int CellWidthMicro = 1_300;

    /// <summary>About 133 m north-south.</summary>
    public const int CellHeightMicro = 1_200;

    private Lattice(int columns, int rows, long westMicro, long southMicro)
    {
        Columns = columns;
        Rows = rows;
        WestMicro = westMicro;
        SouthMicro = southMicro;
    }

    public int Columns { get; }

    public int Rows { get; }

    public long WestMicro { get; }

    public long SouthMicro { get; }

    public int Count => Columns * Rows;

    /// <summary>
    /// The smallest lattice of at least <paramref name="targetCells"/> cells, about 3:2 wide
    /// (a city stretched along its river), centred on the given point.
    /// </summary>
    public static Lattice Centred(int targetCells, double centreLon, double centreLat)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetCells, 1);
        var columns = Math.Max(1, (int)Math.Round(Math.Sqrt(targetCells * 1.5)));
        var rows = (targetCells + columns - 1) / columns;
        var west = (long)Math.Round(centreLon * MicroDegreesPerDegree) - ((long)columns * CellWidthMicro / 2);
        var south = (long)Math.Round(centreLat * MicroDegreesPerDegree) - ((long)rows * CellHeightMicro / 2);
        return new Lattice(columns, rows, west, south);
    }

    /// <summary>Division (not multiplication by 1e-6) yields the double nearest the 6-decimal value, so it prints back exactly.</summary>
    public static double Degrees(long micro) => micro / MicroDegreesPerDegree;

    public int Index(int column, int row) => (row * Columns) + column;

    public int Column(int index) => index % Columns;

    public int Row(int index) => index / Columns;

    /// <summary>Writes the 4-connected neighbours of a cell into <paramref name="buffer"/> and returns how many there are.</summary>
    public int Neighbours(int index, Span<int> buffer)
    {
        var column = Column(index);
        var row = Row(index);
        var count = 0;
        if (column > 0)
        {
            buffer[count++] = index - 1;
        }

        if (column < Columns - 1)
        {
            buffer[count++] = index + 1;
        }

        if (row > 0)
        {
            buffer[count++] = index - Columns;
        }

        if (row < Rows - 1)
        {
            buffer[count++] = index + Columns;
        }

        return count;
    }

    /// <summary>The south-west corner of a cell, in micro-degrees.</summary>
    public (long Lon, long Lat) CornerMicro(int index) =>
        (WestMicro + ((long)Column(index) * CellWidthMicro), SouthMicro + ((long)Row(index) * CellHeightMicro));

    public Polygon CellPolygon(int index, GeometryFactory factory)
    {
        var (lon, lat) = CornerMicro(index);
        var west = Degrees(lon);
        var east = Degrees(lon + CellWidthMicro);
        var south = Degrees(lat);
        var north = Degrees(lat + CellHeightMicro);
        return factory.CreatePolygon(
        [
            new Coordinate(west, south),
            new Coordinate(east, south),
            new Coordinate(east, north),
            new Coordinate(west, north),
            new Coordinate(west, south),
        ]);
    }
}
