using System.Text.Json;
using CityOps.Grains.Interfaces.Grid;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace CityOps.Grid;

/// <summary>A region of the hierarchy (city, district, street, community) as imported.</summary>
public sealed record GridRegion(string Code, string Name, string? NameEn, GridLevel Level, string? Parent, Geometry Geometry);

/// <summary>A unit grid cell (单元网格); <paramref name="Attributes"/> holds its other GeoJSON properties (e.g. <c>lowLying</c>).</summary>
public sealed record GridCell(string Code, string Community, Geometry Geometry, IReadOnlyDictionary<string, JsonElement> Attributes);

/// <summary>The cell a point lies in and the regions above it, from its community up to the city.</summary>
public sealed record GridLocation(GridCell Cell, IReadOnlyList<GridRegion> Chain);

/// <summary>
/// A validated grid: the region hierarchy and the unit cells with an STR-tree over the cells.
/// Immutable, so a new import builds a new model and readers never see a half-applied one.
/// </summary>
public sealed class GridModel
{
    private readonly Dictionary<string, GridRegion> _regions;
    private readonly Dictionary<string, GridCell> _cells;
    private readonly Dictionary<string, List<string>> _children;
    private readonly string[] _cellCodes;
    private readonly STRtree<(GridCell Cell, IPreparedGeometry Shape)> _index = new();

    /// <param name="regions">Validated regions (see <see cref="GridValidator"/>).</param>
    /// <param name="cells">Validated cells.</param>
    public GridModel(IEnumerable<GridRegion> regions, IEnumerable<GridCell> cells)
    {
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(cells);
        _regions = regions.ToDictionary(r => r.Code, StringComparer.Ordinal);
        _cells = cells.ToDictionary(c => c.Code, StringComparer.Ordinal);
        _cellCodes = [.. _cells.Keys.Order(StringComparer.Ordinal)];
        _children = _regions.Values.Where(r => r.Parent is not null).Select(r => (Parent: r.Parent!, r.Code))
            .Concat(_cells.Values.Select(c => (Parent: c.Community, c.Code)))
            .GroupBy(p => p.Parent, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Code).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        City = _regions.Values.Single(r => r.Level == GridLevel.City);
        foreach (var cell in _cells.Values)
        {
            _index.Insert(cell.Geometry.EnvelopeInternal, (cell, PreparedGeometryFactory.Prepare(cell.Geometry)));
        }

        _index.Build();
    }

    public GridRegion City { get; }

    public IReadOnlyCollection<GridRegion> Regions => _regions.Values;

    public IReadOnlyCollection<GridCell> Cells => _cells.Values;

    public GridRegion? Region(string code) => _regions.GetValueOrDefault(code);

    public GridCell? Cell(string code) => _cells.GetValueOrDefault(code);

    /// <summary>The codes of a region's direct children: sub-regions, or cells for a community.</summary>
    public IReadOnlyList<string> ChildrenOf(string regionCode) =>
        _children.TryGetValue(regionCode, out var children) ? children : [];

    /// <summary>The districts a region lies in or holds: its own for a district or below, all of them for the city.</summary>
    public IReadOnlyList<string> DistrictsOf(string regionCode) =>
        GridCodes.LevelOf(regionCode) is GridLevel.City
            ? [.. Regions.Where(r => r.Level == GridLevel.District && GridCodes.IsWithin(r.Code, regionCode)).Select(r => r.Code).Order(StringComparer.Ordinal)]
            : [GridCodes.DistrictOf(regionCode)];

    /// <summary>All cells inside a region, in code order (codes nest by prefix, so a range of the sorted codes).</summary>
    public IEnumerable<GridCell> CellsWithin(string regionCode)
    {
        var start = Array.BinarySearch(_cellCodes, regionCode, StringComparer.Ordinal);
        for (var i = start < 0 ? ~start : start; i < _cellCodes.Length && GridCodes.IsWithin(_cellCodes[i], regionCode); i++)
        {
            yield return _cells[_cellCodes[i]];
        }
    }

    /// <summary>Cells whose bounding boxes meet the envelope.</summary>
    public IEnumerable<GridCell> CellsIn(Envelope envelope) => _index.Query(envelope).Select(e => e.Cell);

    /// <summary>The regions above a cell or region, nearest first, up to the city.</summary>
    public IReadOnlyList<GridRegion> ChainAbove(string code) =>
        [.. GridCodes.ChainOf(code).Skip(1).Select(c => _regions.GetValueOrDefault(c)).OfType<GridRegion>()];

    /// <summary>
    /// The cell containing the point, or null outside every cell. A point on a border or vertex
    /// shared by several cells belongs to the one with the lowest code, so the answer is stable.
    /// </summary>
    public GridLocation? Locate(double longitude, double latitude)
    {
        var point = City.Geometry.Factory.CreatePoint(new Coordinate(longitude, latitude));
        var cell = _index.Query(point.EnvelopeInternal)
            .Where(c => c.Shape.Covers(point))
            .Select(c => c.Cell)
            .MinBy(c => c.Code, StringComparer.Ordinal);
        return cell is null ? null : new GridLocation(cell, ChainAbove(cell.Code));
    }
}
