using System.Globalization;
using CityOps.DashboardHost.Auth;
using CityOps.Grains.Interfaces.Departments;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Users;
using CityOps.Grid;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.JsonWebTokens;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace CityOps.DashboardHost.Grid;

/// <summary>
/// The grid (一张图) over HTTP: locating points, cells and regions with their live KPIs, the map
/// layer, the admin import, and the responders' duty positions that dispatch looks up on the grid.
/// Every read is scoped: a user sees only cells and regions inside their own regions.
/// </summary>
public static class GridApi
{
    public static IEndpointRouteBuilder MapGridApi(this IEndpointRouteBuilder app)
    {
        var grid = app.MapGroup("/api/grid").WithTags("Grid").RequireAuthorization(AccessPolicies.Viewer);
        grid.MapGet("/locate", Locate).WithSummary("The unit cell of a point and its regions up to the city");
        grid.MapGet("/cells/{code}", GetCell).WithSummary("A unit cell's place, chain, live counts and health");
        grid.MapGet("/map", GetMap).WithSummary("A region's child regions or cells with live status, as GeoJSON simplified for the zoom");
        grid.MapPost("/import", Import).RequireAuthorization(AccessPolicies.Admin).WithMetadata(new LargeJsonBody())
            .WithSummary("Replaces the grid with GeoJSON regions and cells; nothing changes unless all of it is valid");
        grid.MapGet("/nearest-responder", NearestResponder).RequireAuthorization(AccessPolicies.Dispatcher)
            .WithSummary("The nearest on-duty responder of a department to a point");

        app.MapGet("/api/regions/{code}", GetRegion).WithTags("Grid").RequireAuthorization(AccessPolicies.Viewer)
            .WithSummary("A region's summary and KPIs");
        app.MapPost("/api/responders/me/duty", ReportDuty).WithTags("Responders").RequireAuthorization(AccessPolicies.Responder)
            .WithSummary("The calling responder goes on or off duty and reports where they are");
        return app;
    }

    private static async Task<Results<Ok<LocateResponse>, ProblemHttpResult>> Locate(
        double? lon, double? lat, HttpContext http, GridRegistry registry, IAuthorizationService authorization)
    {
        if (PointProblem(lon, lat) is { } invalid)
        {
            return invalid;
        }

        if (registry.Current.Locate(lon!.Value, lat!.Value) is not { } location)
        {
            return OutsideCity(registry.Current, lon.Value, lat.Value);
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(location.Cell.Code)))
        {
            return Forbidden($"The point lies in cell {location.Cell.Code}, outside your regions.");
        }

        return TypedResults.Ok(new LocateResponse(CellRef.From(location.Cell), [.. location.Chain.Select(RegionRef.From)]));
    }

    private static async Task<Results<Ok<CellResponse>, ProblemHttpResult>> GetCell(
        string code, HttpContext http, GridRegistry registry, IGrainFactory grains, IAuthorizationService authorization)
    {
        var model = registry.Current;
        if (model.Cell(code) is not { } cell)
        {
            return NotFound($"No unit cell '{code}'.");
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(code)))
        {
            return Forbidden($"Cell '{code}' is outside your regions.");
        }

        var situation = await grains.GetGrain<IGridCellGrain>(code).GetSituation();
        return TypedResults.Ok(new CellResponse(
            cell.Code,
            cell.Community,
            GridShapes.Centroid(cell.Geometry),
            GridShapes.Bbox(cell.Geometry),
            cell.Attributes,
            [.. model.ChainAbove(code).Select(RegionRef.From)],
            SituationResponse.From(situation)));
    }

    private static async Task<Results<Ok<RegionResponse>, ProblemHttpResult>> GetRegion(
        string code, HttpContext http, GridRegistry registry, IGrainFactory grains, IAuthorizationService authorization)
    {
        var model = registry.Current;
        if (model.Region(code) is not { } region)
        {
            return NotFound($"No region '{code}'.");
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(code)))
        {
            return Forbidden($"Region '{code}' is outside your regions.");
        }

        var situation = await grains.GetGrain<IRegionGrain>(code).GetSituation();
        return TypedResults.Ok(new RegionResponse(
            region.Code,
            region.Name,
            region.NameEn,
            region.Level,
            region.Parent,
            model.ChildrenOf(code).Count,
            model.CellsWithin(code).Count(),
            GridShapes.Centroid(region.Geometry),
            GridShapes.Bbox(region.Geometry),
            [.. model.ChainAbove(code).Select(RegionRef.From)],
            SituationResponse.From(situation)));
    }

    /// <param name="region">The region to draw; the caller's first region when omitted.</param>
    /// <param name="zoom">Web Mercator zoom 0–22 (default 12): below 14 child regions, from 14 on unit cells.</param>
    /// <param name="bbox">The viewport as <c>west,south,east,north</c>; features outside it are left out.</param>
    private static async Task<Results<JsonHttpResult<FeatureCollection>, ProblemHttpResult>> GetMap(
        string? region, int? zoom, string? bbox, HttpContext http, GridRegistry registry, IGrainFactory grains, IAuthorizationService authorization)
    {
        var model = registry.Current;
        var code = region ?? http.User.FindFirst(CityClaims.Region)?.Value ?? model.City.Code;
        var level = zoom ?? 12;
        if (level is < 0 or > GridMap.MaxZoom)
        {
            return BadRequest($"zoom must be between 0 and {GridMap.MaxZoom}.");
        }

        var view = bbox is null ? null : ParseBbox(bbox);
        if (bbox is not null && view is null)
        {
            return BadRequest("bbox must be west,south,east,north in WGS 84 degrees.");
        }

        if (model.Region(code) is not { } shown)
        {
            return NotFound($"No region '{code}'.");
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(code)))
        {
            return Forbidden($"Region '{code}' is outside your regions.");
        }

        // Cells' counts come from their communities, which hold each cell's latest report: one call
        // per community instead of one activation per cell.
        var sources = GridMap.ShowsCells(shown, level)
            ? model.Regions.Where(r => r.Level == GridLevel.Community && GridCodes.IsWithin(r.Code, code)
                && (view is null || r.Geometry.EnvelopeInternal.Intersects(view))).Select(r => r.Code)
            : [code];
        var reports = await Task.WhenAll(sources.Select(c => grains.GetGrain<IRegionGrain>(c).GetChildren().AsTask()));
        var situations = reports.SelectMany(r => r).ToDictionary(s => s.Code, StringComparer.Ordinal);
        return TypedResults.Json(GridMap.Build(model, shown, level, view, situations), GridJson.Options, "application/geo+json");
    }

    private static async Task<Results<Ok<GridImportResponse>, ProblemHttpResult>> Import(
        GridImportRequest request, GridRegistry registry, CancellationToken cancellationToken)
    {
        var errors = await registry.ImportAsync(request.Regions, request.Cells, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.Problem(
                title: "The grid is not valid; nothing was changed.",
                detail: $"{errors.Count} problem(s), listed in 'errors' with where each one is.",
                statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["errors"] = errors });
        }

        var model = registry.Current;
        return TypedResults.Ok(new GridImportResponse(model.Regions.Count, model.Cells.Count));
    }

    private static async Task<Results<Ok<NearestResponderResponse>, ProblemHttpResult>> NearestResponder(
        string? department, double? lon, double? lat, HttpContext http, GridRegistry registry, IGrainFactory grains,
        IAuthorizationService authorization)
    {
        if (string.IsNullOrWhiteSpace(department))
        {
            return BadRequest("department is required.");
        }

        if (PointProblem(lon, lat) is { } invalid)
        {
            return invalid;
        }

        if (registry.Current.Locate(lon!.Value, lat!.Value) is not { } location)
        {
            return OutsideCity(registry.Current, lon.Value, lat.Value);
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(location.Cell.Code, department)))
        {
            return Forbidden($"Department '{department}' at cell {location.Cell.Code} is outside your scope.");
        }

        if (await grains.GetGrain<IDepartmentGrain>(department).FindNearestOnDuty(lon.Value, lat.Value) is not { } nearest)
        {
            return NotFound($"No responder of '{department}' is on duty.");
        }

        var responder = nearest.Responder;
        return TypedResults.Ok(new NearestResponderResponse(
            department,
            responder.Username,
            (await grains.GetGrain<IUserAccountGrain>(responder.Username).Get())?.Profile.DisplayName,
            [responder.Longitude, responder.Latitude],
            responder.At,
            Math.Round(nearest.DistanceMetres, 1)));
    }

    private static async Task<Results<Ok<DutyResponse>, ProblemHttpResult>> ReportDuty(DutyRequest request, HttpContext http, IGrainFactory grains)
    {
        var username = http.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        var department = http.User.FindFirst(CityClaims.Department)?.Value;
        if (username is null || department is null || !http.User.IsInRole(Roles.Responder))
        {
            return Forbidden("Only field responders of a department report duty.");
        }

        if (request.OnDuty is not { } onDuty)
        {
            return BadRequest("onDuty is required.");
        }

        var hasPoint = request.Lon is not null || request.Lat is not null;
        if ((onDuty || hasPoint) && PointProblem(request.Lon, request.Lat) is { } invalid)
        {
            return invalid;
        }

        var responder = grains.GetGrain<IResponderGrain>(username);
        await responder.ReportDuty(new ResponderDuty(department, onDuty, request.Lon, request.Lat));
        var status = await responder.GetStatus();
        return TypedResults.Ok(new DutyResponse(
            status.Username,
            status.Department,
            status.OnDuty,
            status.Position is { } p ? [p.Longitude, p.Latitude] : null,
            status.Position?.At));
    }

    private static ProblemHttpResult? PointProblem(double? lon, double? lat)
    {
        if (lon is null || lat is null)
        {
            return BadRequest("lon and lat are both required.");
        }

        if (!double.IsFinite(lon.Value) || !double.IsFinite(lat.Value) || lon is < -180 or > 180 || lat is < -90 or > 90)
        {
            return BadRequest("lon must be within -180..180 and lat within -90..90 (WGS 84 degrees).");
        }

        return null;
    }

    private static Envelope? ParseBbox(string bbox)
    {
        var parts = bbox.Split(',');
        var values = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : (double?)null).ToList();
        return values is [{ } west, { } south, { } east, { } north] && west <= east && south <= north
            && west >= -180 && east <= 180 && south >= -90 && north <= 90
            ? new Envelope(west, east, south, north)
            : null;
    }

    private static ProblemHttpResult OutsideCity(GridModel model, double lon, double lat) => NotFound(
        string.Create(CultureInfo.InvariantCulture, $"The point ({lon}, {lat}) is outside {model.City.Name} ({model.City.Code}): it lies in no unit cell."));

    private static ProblemHttpResult BadRequest(string title) => TypedResults.Problem(title: title, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult NotFound(string title) => TypedResults.Problem(title: title, statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult Forbidden(string title) => TypedResults.Problem(title: title, statusCode: StatusCodes.Status403Forbidden);
}
