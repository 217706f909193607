using System.Text.Json;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grid;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.Precision;
using NetTopologySuite.Simplify;

namespace CityOps.DashboardHost.Grid;

/// <summary>
/// The grid as a browser map draws it: a region's child regions when zoomed out, its unit cells
/// when zoomed in, each with its live status, with geometry simplified to about one screen pixel
/// and coordinates rounded to the decimals that pixel needs, so the payload fits the zoom.
/// </summary>
public static class GridMap
{
    /// <summary>From this zoom on, cells (about 130 m, some 30 px wide at zoom 14) are worth drawing one by one.</summary>
    public const int CellZoom = 14;

    public const int MaxZoom = 22;

    /// <summary>Whether the map of <paramref name="region"/> at <paramref name="zoom"/> shows cells rather than child regions.</summary>
    public static bool ShowsCells(GridRegion region, int zoom)
    {
        ArgumentNullException.ThrowIfNull(region);
        return zoom >= CellZoom || region.Level == GridLevel.Community;
    }

    /// <summary>The width of one pixel in degrees of longitude at the equator, for 256-pixel Web Mercator tiles.</summary>
    public static double PixelDegrees(int zoom) => 360.0 / (256L << Math.Clamp(zoom, 0, MaxZoom));

    /// <summary>Decimals of a degree that keep rounding under one pixel (at most 7, about 1 cm).</summary>
    public static int Decimals(int zoom) => Math.Clamp((int)Math.Ceiling(-Math.Log10(PixelDegrees(zoom))), 0, 7);

    public static Geometry Simplify(Geometry geometry, int zoom)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var simplified = TopologyPreservingSimplifier.Simplify(geometry, PixelDegrees(zoom));
        var rounded = GeometryPrecisionReducer.ReducePointwise(simplified, new PrecisionModel(Math.Pow(10, Decimals(zoom))));
        // A shape smaller than a pixel would collapse; it keeps its simplified form instead of vanishing.
        return rounded.IsEmpty || rounded.Area <= 0 ? simplified : rounded;
    }

    /// <param name="view">The browser's viewport; features outside it are left out. Null for the whole region.</param>
    /// <param name="situations">Live status by code; features without one are drawn as normal with no counts.</param>
    public static FeatureCollection Build(GridModel model, GridRegion region, int zoom, Envelope? view, IReadOnlyDictionary<string, GridSituation> situations)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(situations);
        IEnumerable<(string Code, string? Name, GridLevel Level, Geometry Geometry)> shapes = ShowsCells(region, zoom)
            ? (view is null ? model.CellsWithin(region.Code) : model.CellsIn(view).Where(c => GridCodes.IsWithin(c.Code, region.Code)).OrderBy(c => c.Code, StringComparer.Ordinal))
                .Select(c => (c.Code, (string?)null, GridLevel.Cell, c.Geometry))
            : model.ChildrenOf(region.Code).Select(model.Region).OfType<GridRegion>()
                .Where(r => view is null || r.Geometry.EnvelopeInternal.Intersects(view))
                .Select(r => (r.Code, (string?)r.Name, r.Level, r.Geometry));

        var collection = new FeatureCollection();
        foreach (var (code, name, level, geometry) in shapes)
        {
            var situation = situations.GetValueOrDefault(code);
            collection.Add(new Feature(Simplify(geometry, zoom), Properties(code, name, level, situation)));
        }

        return collection;
    }

    private static AttributesTable Properties(string code, string? name, GridLevel level, GridSituation? situation)
    {
        var counts = situation?.Counts ?? GridCounts.Empty;
        var properties = new AttributesTable
        {
            { "code", code },
            { "level", JsonNamingPolicy.CamelCase.ConvertName(level.ToString()) },
            { "health", JsonNamingPolicy.CamelCase.ConvertName((situation?.Health ?? HealthLevel.Normal).ToString()) },
            { "devices", counts.Devices },
            { "devicesOnline", counts.DevicesOnline },
            { "onlineRatio", counts.OnlineRatio is { } ratio ? Math.Round(ratio, 3) : null },
            { "alarmsMinor", counts.Alarms.Minor },
            { "alarmsMajor", counts.Alarms.Major },
            { "alarmsCritical", counts.Alarms.Critical },
            { "openEvents", counts.Events.Open },
            { "overdueEvents", counts.Events.Overdue },
        };
        if (name is not null)
        {
            properties.Add("name", name);
        }

        return properties;
    }
}
