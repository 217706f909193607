using System.Globalization;

namespace CityOps.Grid;

/// <summary>One problem found in a grid import, located as precisely as the problem allows.</summary>
/// <param name="Source"><c>regions</c> or <c>cells</c>: which FeatureCollection.</param>
/// <param name="Feature">The feature's zero-based index in that collection; null for a problem of the whole collection.</param>
/// <param name="Code">The feature's code, when it has one.</param>
/// <param name="At">A [longitude, latitude] where the problem is, when it has a place.</param>
public sealed record GridError(string Source, int? Feature, string? Code, string Message, double[]? At = null)
{
    public override string ToString()
    {
        var where = Feature is { } index ? $"{Source}[{index}]" : Source;
        var code = Code is null ? "" : $" {Code}";
        var at = At is [var lon, var lat] ? string.Create(CultureInfo.InvariantCulture, $" at ({lon}, {lat})") : "";
        return $"{where}{code}: {Message}{at}";
    }
}

/// <summary>How strict a grid import is (configuration section <c>Grid</c>).</summary>
public sealed class GridOptions
{
    public const string Section = "Grid";

    /// <summary>
    /// Gaps and overlaps smaller than this (in m²) are digitising noise and accepted; anything
    /// larger is an error. One square metre is far below a unit cell (~17,000 m²) and far above
    /// the floating-point noise of the overlay arithmetic.
    /// </summary>
    public double ToleranceSquareMetres { get; set; } = 1;
}
