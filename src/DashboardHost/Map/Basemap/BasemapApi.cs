using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Map.Basemap;

/// <summary>How the page finds the basemap: a tile address or a PMTiles archive, and the zooms it covers.</summary>
/// <param name="Kind"><c>none</c>, <c>city</c>, <c>pmTiles</c> or <c>mbTiles</c>.</param>
/// <param name="Tiles">The tile address template (<c>{z}/{x}/{y}</c>) for <c>city</c> and <c>mbTiles</c>.</param>
/// <param name="Archive">The PMTiles archive's address for <c>pmTiles</c>.</param>
public sealed record BasemapDescription(string Kind, string? Tiles, string? Archive, int MinZoom, int MaxZoom);

/// <summary>
/// The basemap's routes. They carry public geography (roads, water, buildings), none of the city's
/// devices or cases, and are fetched by the map library without the page's token, so they are open
/// like the pages themselves.
/// </summary>
public static class BasemapApi
{
    public const string TilesTemplate = "/api/map/tiles/{z}/{x}/{y}.pbf";
    public const string ArchivePath = "/api/map/basemap.pmtiles";

    public static IEndpointRouteBuilder MapBasemapApi(this IEndpointRouteBuilder app)
    {
        var map = app.MapGroup("/api/map").WithTags("Map").AllowAnonymous();
        map.MapGet("/basemap", Describe).WithSummary("Where the basemap's tiles are and which zooms they cover");
        map.MapGet("/tiles/{z:int}/{x:int}/{y:int}.pbf", GetTile).WithSummary("One basemap vector tile (Mapbox Vector Tile)");
        map.MapGet("/basemap.pmtiles", GetArchive).WithSummary("The configured PMTiles archive, in byte ranges");
        map.MapGet("/glyphs/{fontstack}/{range}.pbf", GetGlyphs)
            .WithSummary("An empty glyph range: the page draws Chinese labels with the screen's own fonts");
        return app;
    }

    private static Ok<BasemapDescription> Describe(BasemapSource basemap) => TypedResults.Ok(new BasemapDescription(
        JsonNamingPolicyName(basemap.Kind),
        basemap.Kind is BasemapKind.City or BasemapKind.MbTiles ? TilesTemplate : null,
        basemap.Kind == BasemapKind.PmTiles ? ArchivePath : null,
        basemap.MinZoom,
        basemap.MaxZoom));

    private static string JsonNamingPolicyName(BasemapKind kind) => kind switch
    {
        BasemapKind.City => "city",
        BasemapKind.PmTiles => "pmTiles",
        BasemapKind.MbTiles => "mbTiles",
        _ => "none",
    };

    private static Results<FileContentHttpResult, NoContent> GetTile(int z, int x, int y, BasemapSource basemap, HttpContext http)
    {
        if (basemap.Tile(z, x, y) is not { } tile)
        {
            return TypedResults.NoContent();
        }

        http.Response.Headers.CacheControl = "public, max-age=3600";
        if (tile.Gzipped)
        {
            http.Response.Headers.ContentEncoding = "gzip";
        }

        return TypedResults.File(tile.Bytes, "application/vnd.mapbox-vector-tile");
    }

    private static Results<PhysicalFileHttpResult, NotFound> GetArchive(BasemapSource basemap) =>
        basemap.Kind == BasemapKind.PmTiles && basemap.FilePath is { } path
            ? TypedResults.PhysicalFile(path, "application/octet-stream", enableRangeProcessing: true)
            : TypedResults.NotFound();

    /// <summary>
    /// MapLibre asks for glyph ranges of a label's characters; an empty range makes it draw CJK
    /// characters with the browser's local font (<c>localIdeographFontFamily</c>) instead of a server's.
    /// </summary>
    private static FileContentHttpResult GetGlyphs(string fontstack, string range) =>
        TypedResults.File(Array.Empty<byte>(), "application/x-protobuf");
}
