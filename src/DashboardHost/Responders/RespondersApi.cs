using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Departments;
using CityOps.Grid;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Responders;

/// <summary>
/// Where the on-duty responders are (docs/architecture.md, Contracts), for the big screen's map and the dispatchers:
/// the positions their phones reported (<c>POST /api/responders/me/duty</c>), as each department's roster keeps them.
/// A department's user sees their own department's people; the centre (no department) every department's. Only
/// positions inside the caller's regions are shown.
/// </summary>
public static class RespondersApi
{
    public static IEndpointRouteBuilder MapRespondersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/responders", OnDuty).WithTags("Responders").RequireAuthorization(AccessPolicies.Viewer)
            .WithSummary("On-duty responders with their last reported positions, in the caller's regions (?department= for one department)");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<OnDutyResponder>>, ProblemHttpResult>> OnDuty(
        string? department, HttpContext http, IGrainFactory grains, GridRegistry grid, CityCatalogue catalogue)
    {
        var viewer = CaseViewers.From(http.User);
        if (department is not null && !catalogue.IsDepartment(department))
        {
            return TypedResults.Problem(title: $"No department '{department}' (see GET /api/catalogue).", statusCode: StatusCodes.Status400BadRequest);
        }

        if (viewer.Department is { } own && department is not null && department != own)
        {
            return TypedResults.Problem(title: $"You see the responders of {own}, not {department}.", statusCode: StatusCodes.Status403Forbidden);
        }

        string[] departments = viewer.Department is { } mine ? [mine] : department is not null ? [department] : [.. catalogue.Departments.Select(d => d.Code)];
        var rosters = await Task.WhenAll(departments.Select(async d => (Department: d, OnDuty: await grains.GetGrain<IDepartmentGrain>(d).GetOnDuty())));
        var model = grid.Current;
        IReadOnlyList<OnDutyResponder> responders =
        [
            .. rosters.SelectMany(r => r.OnDuty.Select(p => (r.Department, Position: p, Cell: model.Locate(p.Longitude, p.Latitude)?.Cell.Code)))
                .Where(r => r.Cell is not null && viewer.Covers(r.Cell))
                .Select(r => new OnDutyResponder(r.Position.Username, r.Department, [r.Position.Longitude, r.Position.Latitude], r.Position.At, r.Cell!)),
        ];
        return TypedResults.Ok(responders);
    }
}

/// <summary>An on-duty responder where their phone last reported them.</summary>
public sealed record OnDutyResponder(string Username, string Department, double[] Location, DateTimeOffset At, string CellCode);
