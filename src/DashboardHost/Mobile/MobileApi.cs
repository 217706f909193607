using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Events;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Departments;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Users;
using CityOps.Grid;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Mobile;

/// <summary>
/// What the phone page (<c>/m/</c>, 掌上办) needs beside the events API (docs/architecture.md, Contracts): a responder's
/// own tasks, a case's photos as short-lived links, and the responders a dispatcher may send a case to, nearest first.
/// Every case is read as the token's user and judged by <see cref="CaseScope"/>, as the events API does.
/// </summary>
public static class MobileApi
{
    /// <summary>How many suggestions a dispatcher is shown.</summary>
    private const int Suggestions = 5;

    /// <summary>The states in which a case is in a responder's hands: to accept, or accepted and to be handled.</summary>
    private static readonly EventState[] TaskStates = [EventState.Dispatched, EventState.Accepted];

    public static IEndpointRouteBuilder MapMobileApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me/tasks", MyTasks).WithTags("Mobile").RequireAuthorization(AccessPolicies.Responder)
            .WithSummary("The caller's own tasks: open cases assigned to them, the nearest deadline first");
        app.MapGet("/api/events/{id}/photos", Photos).WithTags("Mobile").RequireAuthorization(AccessPolicies.Viewer)
            .WithSummary("The case's photos as short-lived links, each with a small copy for lists");
        app.MapGet("/api/events/{id}/suggestions", Suggest).WithTags("Mobile").RequireAuthorization(AccessPolicies.Dispatcher)
            .WithSummary("On-duty responders of the case's department (or ?department=), nearest first, by their reported positions");
        app.MapGet("/evidence/{sha256}", OpenLink).WithTags("Mobile").AllowAnonymous()
            .WithSummary("An evidence photo through a link from GET /api/events/{id}/photos, until the link expires");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<EventSummaryResponse>>, ProblemHttpResult>> MyTasks(
        HttpContext http, IGrainFactory grains, GridRegistry grid, CityCatalogue catalogue, TimeProvider clock)
    {
        var viewer = CaseViewers.From(http.User);
        if (viewer.Department is null)
        {
            return Problem(StatusCodes.Status403Forbidden, "Tasks are assigned to responders of a department; you belong to none.");
        }

        var now = clock.GetUtcNow();
        var query = new EventQuery(null, TaskStates, viewer.Department, null, null, now, 1000, viewer);
        var model = grid.Current;
        var found = await Task.WhenAll(viewer.Regions
            .SelectMany(r => model.DistrictsOf(r).Select(d => (District: d, Prefix: r)))
            .Select(p => grains.GetGrain<IEventIndexGrain>(p.District).Query(query with { RegionPrefix = p.Prefix })));
        IReadOnlyList<EventSummaryResponse> tasks =
        [
            .. found.SelectMany(f => f)
                .Where(s => string.Equals(s.Assignee, viewer.Username, StringComparison.Ordinal))
                .DistinctBy(s => s.Id)
                .OrderBy(s => s.Deadline ?? DateTimeOffset.MaxValue)
                .ThenBy(s => s.Id, StringComparer.Ordinal)
                .Select(s => EventSummaryResponse.From(s, catalogue, now)),
        ];
        return TypedResults.Ok(tasks);
    }

    private static async Task<Results<Ok<IReadOnlyList<EvidenceLinkResponse>>, ProblemHttpResult>> Photos(
        string id, HttpContext http, IGrainFactory grains, CaseScope scope, EvidenceLinks links)
    {
        var (view, problem) = await FindAsync(id, http, grains, scope);
        if (problem is not null)
        {
            return problem;
        }

        IReadOnlyList<EvidenceLinkResponse> photos =
        [
            .. view!.PhotoSha256s.Select(sha =>
            {
                var (url, expires) = links.Link(sha, EvidenceVariant.Original);
                return new EvidenceLinkResponse(sha, url, links.Link(sha, EvidenceVariant.Thumbnail).Url, expires);
            }),
        ];
        return TypedResults.Ok(photos);
    }

    private static async Task<Results<Ok<IReadOnlyList<SuggestionResponse>>, ProblemHttpResult>> Suggest(
        string id, string? department, HttpContext http, IGrainFactory grains, CaseScope scope, CityCatalogue catalogue)
    {
        var (view, problem) = await FindAsync(id, http, grains, scope);
        if (problem is not null)
        {
            return problem;
        }

        var summary = view!.Summary;
        var chosen = department ?? summary.Department ?? catalogue.ResponsibleDepartment(summary.Category, summary.Location.CellCode);
        if (chosen is null || !catalogue.IsDepartment(chosen))
        {
            return Problem(StatusCodes.Status400BadRequest, $"No department '{chosen}'; name one with ?department= (see GET /api/catalogue).");
        }

        // A department's dispatcher sends its own cases to its own people; the centre may look at any department.
        if (CaseViewers.From(http.User).Department is { } own && own != chosen)
        {
            return Problem(StatusCodes.Status403Forbidden, $"You dispatch for {own}, not {chosen}.");
        }

        var ranked = await grains.GetGrain<IDepartmentGrain>(chosen).RankOnDuty(summary.Location.Longitude, summary.Location.Latitude, Suggestions);
        var names = await Task.WhenAll(ranked.Select(r => grains.GetGrain<IUserAccountGrain>(r.Responder.Username).Get()));
        IReadOnlyList<SuggestionResponse> suggestions =
        [
            .. ranked.Select((r, i) => new SuggestionResponse(
                r.Responder.Username, names[i]?.Profile.DisplayName, chosen, [r.Responder.Longitude, r.Responder.Latitude],
                r.Responder.At, Math.Round(r.DistanceMetres, 1), string.Equals(r.Responder.Username, summary.Assignee, StringComparison.Ordinal))),
        ];
        return TypedResults.Ok(suggestions);
    }

    /// <summary>The link itself is the authorisation: it was made for a user who could read the case, and expires.</summary>
    /// <param name="v">Which copy: <c>full</c> (default) or <c>thumb</c>.</param>
    private static async Task<IResult> OpenLink(string sha256, string? v, long? exp, string? sig, HttpContext http, IEvidenceStore evidence, EvidenceLinks links)
    {
        if (!Evidence.IsSha256(sha256) || EvidenceLinks.Parse(v) is not { } variant || exp is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "An evidence link names the file by its SHA-256, v=full|thumb, exp and sig.");
        }

        if (links.Refusal(sha256, variant, exp.Value, sig) is { } refusal)
        {
            return Problem(StatusCodes.Status403Forbidden, refusal);
        }

        if (await evidence.OpenVariantAsync(sha256, variant, http.RequestAborted) is not { } found)
        {
            return Problem(StatusCodes.Status404NotFound, $"No evidence {sha256}.");
        }

        // The bytes under a hash never change; a browser may keep them while the link would have been good.
        http.Response.Headers.CacheControl = $"private, max-age={(int)links.Lifetime.TotalSeconds}";
        return TypedResults.Stream(found.Content, found.ContentType, enableRangeProcessing: false);
    }

    private static async Task<(UrbanEventView? View, ProblemHttpResult? Problem)> FindAsync(string id, HttpContext http, IGrainFactory grains, CaseScope scope)
    {
        if (!CaseIds.IsCaseId(id) || await grains.GetGrain<IUrbanEventGrain>(id).GetFor(EventActors.From(http.User)) is not { } view)
        {
            return (null, Problem(StatusCodes.Status404NotFound, $"No case '{id}'."));
        }

        return scope.Refusal(CaseViewers.From(http.User), view.Summary) is { } refusal
            ? (null, Problem(StatusCodes.Status403Forbidden, refusal))
            : (view, null);
    }

    private static ProblemHttpResult Problem(int status, string title) => TypedResults.Problem(title: title, statusCode: status);
}

/// <summary>A photo of a case: links to it and to its small copy, good until <paramref name="ExpiresAt"/>.</summary>
public sealed record EvidenceLinkResponse(string Sha256, string Url, string ThumbnailUrl, DateTimeOffset ExpiresAt);

/// <summary>An on-duty responder a dispatcher may send the case to, with the distance from their last reported position.</summary>
/// <param name="Assigned">The case is assigned to them now.</param>
public sealed record SuggestionResponse(
    string Username, string? Name, string Department, double[] Location, DateTimeOffset At, double DistanceMetres, bool Assigned);
