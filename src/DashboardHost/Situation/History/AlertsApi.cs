using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Events;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;
using CityOps.Grid;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Situation.History;

/// <summary>
/// The big screen's alerts of new critical cases: which have been acknowledged (every screen stops
/// flashing them), and the acknowledgement itself, by an operator or administrator who may see the case.
/// </summary>
public static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/alerts").WithTags("Situation");
        group.MapGet("/acknowledged", GetAcknowledged).RequireAuthorization(AccessPolicies.Viewer)
            .WithSummary("The acknowledged alerts of the region's districts");
        group.MapPost("/{caseId}/acknowledge", Acknowledge).RequireAuthorization(AccessPolicies.Operator)
            .WithSummary("Acknowledges a critical case's alert for every screen");
        return app;
    }

    private static async Task<Results<Ok<AlertAcknowledgement[]>, ProblemHttpResult>> GetAcknowledged(
        string? region, HttpContext http, GridRegistry registry, IGrainFactory grains, IAuthorizationService authorization)
    {
        var model = registry.Current;
        var code = region ?? http.User.FindFirst(CityClaims.Region)?.Value ?? model.City.Code;
        if (model.Region(code) is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No region '{code}'.");
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(code)))
        {
            return Problem(StatusCodes.Status403Forbidden, $"Region '{code}' is outside your regions.");
        }

        var desks = await Task.WhenAll(model.DistrictsOf(code).Select(d => grains.GetGrain<IAlertDeskGrain>(d).GetAcknowledged().AsTask()));
        return TypedResults.Ok(desks.SelectMany(d => d).OrderBy(a => a.At).ToArray());
    }

    private static async Task<Results<Ok<AlertAcknowledgement>, ProblemHttpResult>> Acknowledge(
        string caseId, HttpContext http, IGrainFactory grains, CaseScope scope, TimeProvider clock)
    {
        if (!CaseIds.IsCaseId(caseId))
        {
            return Problem(StatusCodes.Status400BadRequest, $"'{caseId}' is not a case id.");
        }

        if (await grains.GetGrain<IUrbanEventGrain>(caseId).Get() is not { } view)
        {
            return Problem(StatusCodes.Status404NotFound, $"No case '{caseId}'.");
        }

        if (scope.Refusal(CaseViewers.From(http.User), view.Summary) is { } refusal)
        {
            return Problem(StatusCodes.Status403Forbidden, refusal);
        }

        var by = EventActors.From(http.User).Username;
        var district = GridCodes.DistrictOf(view.Summary.Location.CellCode);
        return TypedResults.Ok(await grains.GetGrain<IAlertDeskGrain>(district).Acknowledge(caseId, by, clock.GetUtcNow()));
    }

    private static ProblemHttpResult Problem(int status, string title) => TypedResults.Problem(title: title, statusCode: status);
}
