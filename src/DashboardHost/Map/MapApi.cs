using System.Text.Json.Nodes;
using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Map.Basemap;
using CityOps.DashboardHost.Map.Devices;
using CityOps.DashboardHost.Map.Responders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Map;

public static class MapApi
{
    public static IEndpointRouteBuilder MapMapApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/map/regions", GetRegions)
            .RequireAuthorization(AccessPolicies.Viewer)
            .WithTags("Map")
            .WithSummary("Region boundaries in the caller's scope, as GeoJSON");
        app.MapBasemapApi();
        app.MapDeviceAtlasApi();
        app.MapResponderMapApi();
        return app;
    }

    private static Ok<JsonObject> GetRegions(HttpContext http, CityMap map)
    {
        var scopes = http.User.FindAll(CityClaims.Region).Select(c => c.Value).ToList();
        return TypedResults.Ok(map.RegionsWithin(scopes));
    }
}
