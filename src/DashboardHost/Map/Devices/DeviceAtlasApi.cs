using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Grid;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Map.Devices;

public static class DeviceAtlasApi
{
    public static IEndpointRouteBuilder MapDeviceAtlasApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/map/devices", GetDevices)
            .RequireAuthorization(AccessPolicies.Viewer)
            .WithTags("Map")
            .WithSummary("Every device of a region with its kind, place and state, in columns, for the situation map");
        return app;
    }

    /// <param name="region">The region whose devices to list; the caller's first region when omitted.</param>
    private static async Task<Results<Ok<DeviceMarks>, ProblemHttpResult>> GetDevices(
        string? region, HttpContext http, GridRegistry registry, DeviceAtlas atlas, IAuthorizationService authorization, CancellationToken cancellationToken)
    {
        var model = registry.Current;
        var code = region ?? http.User.FindFirst(CityClaims.Region)?.Value ?? model.City.Code;
        if (model.Region(code) is null)
        {
            return TypedResults.Problem(title: $"No region '{code}'.", statusCode: StatusCodes.Status404NotFound);
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(code)))
        {
            return TypedResults.Problem(title: $"Region '{code}' is outside your regions.", statusCode: StatusCodes.Status403Forbidden);
        }

        return TypedResults.Ok(await atlas.ReadAsync(cell => RegionScope.Contains(code, cell), cancellationToken));
    }
}
