using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Departments;
using CityOps.Grid;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Map.Responders;

/// <summary>An on-duty responder on the map: where they last reported being.</summary>
public sealed record ResponderMark(string Username, string Department, double Longitude, double Latitude, DateTimeOffset At);

/// <summary>
/// The on-duty responders for the situation map, from what the departments already know (each
/// department's roster with the last position a responder reported going on duty or since).
/// </summary>
public static class ResponderMapApi
{
    public static IEndpointRouteBuilder MapResponderMapApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/map/responders", GetResponders)
            .RequireAuthorization(AccessPolicies.Viewer)
            .WithTags("Map")
            .WithSummary("On-duty responders standing in the region, with their department and last reported position");
        return app;
    }

    private static async Task<Results<Ok<ResponderMark[]>, ProblemHttpResult>> GetResponders(
        string? region, HttpContext http, GridRegistry registry, CityCatalogue catalogue, IGrainFactory grains, IAuthorizationService authorization)
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

        var rosters = await Task.WhenAll(catalogue.Departments.Select(async d => (d.Code, OnDuty: await grains.GetGrain<IDepartmentGrain>(d.Code).GetOnDuty())));
        return TypedResults.Ok(rosters
            .SelectMany(r => r.OnDuty.Select(p => new ResponderMark(p.Username, r.Code, p.Longitude, p.Latitude, p.At)))
            .Where(m => model.Locate(m.Longitude, m.Latitude) is { } at && RegionScope.Contains(code, at.Cell.Code))
            .OrderBy(m => m.Username, StringComparer.Ordinal)
            .ToArray());
    }
}
