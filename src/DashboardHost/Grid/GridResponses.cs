using System.Text.Json;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grid;
using NetTopologySuite.Geometries;

namespace CityOps.DashboardHost.Grid;

/// <summary>A region as a link in a chain: enough to name it and ask for more.</summary>
public sealed record RegionRef(string Code, string Name, string? NameEn, GridLevel Level)
{
    public static RegionRef From(GridRegion r) => new(r.Code, r.Name, r.NameEn, r.Level);
}

/// <summary>A cell's place: centroid as [lon, lat] and bounding box as [west, south, east, north].</summary>
public sealed record CellRef(string Code, string Community, double[] Centroid, double[] Bbox)
{
    public static CellRef From(GridCell c) => new(c.Code, c.Community, GridShapes.Centroid(c.Geometry), GridShapes.Bbox(c.Geometry));
}

/// <summary>The answer of <c>GET /api/grid/locate</c>: the cell and its regions from the community up to the city.</summary>
public sealed record LocateResponse(CellRef Cell, IReadOnlyList<RegionRef> Chain);

/// <summary>Live counts and health of a cell or region (the KPIs of the grid).</summary>
/// <param name="DevicesByKind">Device kind (camelCase) → number of devices.</param>
/// <param name="OnlineRatio">Online devices over devices, null where there are none.</param>
/// <param name="CellsByHealth">For a region, its cells per health level; for a cell, itself.</param>
public sealed record SituationResponse(
    HealthLevel Health,
    int Devices,
    IReadOnlyDictionary<string, int> DevicesByKind,
    int DevicesOnline,
    double? OnlineRatio,
    AlarmCounts Alarms,
    EventCounts Events,
    HealthCounts CellsByHealth,
    DateTimeOffset? UpdatedAt)
{
    public static SituationResponse From(GridSituation s) => new(
        s.Health,
        s.Counts.Devices,
        s.Counts.DevicesByKind.Where(k => k.Value > 0).OrderBy(k => k.Key).ToDictionary(k => JsonNamingPolicy.CamelCase.ConvertName(k.Key.ToString()), k => k.Value),
        s.Counts.DevicesOnline,
        s.Counts.OnlineRatio is { } ratio ? Math.Round(ratio, 4) : null,
        s.Counts.Alarms,
        s.Counts.Events,
        s.Counts.Cells,
        s.UpdatedAt);
}

/// <summary>The answer of <c>GET /api/grid/cells/{code}</c>.</summary>
/// <param name="Attributes">The cell's other GeoJSON properties (e.g. <c>lowLying</c>, <c>river</c>, <c>elevationM</c>).</param>
public sealed record CellResponse(
    string Code,
    string Community,
    double[] Centroid,
    double[] Bbox,
    IReadOnlyDictionary<string, JsonElement> Attributes,
    IReadOnlyList<RegionRef> Chain,
    SituationResponse Situation);

/// <summary>The answer of <c>GET /api/regions/{code}</c>: the region, its place in the hierarchy and its KPIs.</summary>
/// <param name="Children">Direct children: sub-regions, or cells for a community.</param>
/// <param name="Cells">Unit cells anywhere inside the region.</param>
public sealed record RegionResponse(
    string Code,
    string Name,
    string? NameEn,
    GridLevel Level,
    string? Parent,
    int Children,
    int Cells,
    double[] Centroid,
    double[] Bbox,
    IReadOnlyList<RegionRef> Chain,
    SituationResponse Situation);

/// <summary>The body of <c>POST /api/grid/import</c>: two GeoJSON FeatureCollections.</summary>
public sealed record GridImportRequest(JsonElement Regions, JsonElement Cells);

public sealed record GridImportResponse(int Regions, int Cells);

/// <summary>The body of <c>POST /api/responders/me/duty</c>; the responder is the caller.</summary>
public sealed record DutyRequest(bool? OnDuty, double? Lon, double? Lat);

/// <summary>A responder's duty state; <paramref name="Location"/> is [lon, lat] when known.</summary>
public sealed record DutyResponse(string Username, string? Department, bool OnDuty, double[]? Location, DateTimeOffset? At);

/// <summary>The answer of <c>GET /api/grid/nearest-responder</c>.</summary>
public sealed record NearestResponderResponse(
    string Department,
    string Username,
    string? Name,
    double[] Location,
    DateTimeOffset At,
    double DistanceMetres);

internal static class GridShapes
{
    public static double[] Centroid(Geometry g) => [Math.Round(g.Centroid.X, 7), Math.Round(g.Centroid.Y, 7)];

    public static double[] Bbox(Geometry g) => [g.EnvelopeInternal.MinX, g.EnvelopeInternal.MinY, g.EnvelopeInternal.MaxX, g.EnvelopeInternal.MaxY];
}
