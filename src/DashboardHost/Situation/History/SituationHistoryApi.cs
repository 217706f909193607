using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;
using CityOps.Grid;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Situation.History;

/// <summary>The situation history of a region over a chart range: points and cases opened by category.</summary>
public sealed record HistoryResponse(string Region, string Range, DateTimeOffset From, DateTimeOffset To, int StepSeconds, IReadOnlyList<SituationPoint> Points, IReadOnlyList<CategoryCount> Categories);

/// <summary>What a replay plays: the minutes and the happenings of a past period.</summary>
public sealed record ReplayResponse(string Region, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SituationPoint> Points, IReadOnlyList<SituationHappening> Happenings);

/// <summary>
/// Reads the districts' persisted situation history (<see cref="ISituationHistoryGrain"/>) for the
/// big screen's charts and its replay. History is kept per district, so a region is the city or
/// one of its districts.
/// </summary>
public static class SituationHistoryApi
{
    /// <summary>The longest period one replay loads.</summary>
    public static readonly TimeSpan MaxReplay = TimeSpan.FromHours(24);

    public static IEndpointRouteBuilder MapSituationHistoryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/situation").RequireAuthorization(AccessPolicies.Viewer).WithTags("Situation");
        group.MapGet("/history", GetHistory).WithSummary("Counts per step over 1h, 24h or 7d, and cases opened by category, from the persisted history");
        group.MapGet("/replay", GetReplay).WithSummary("The minutes and happenings (cases opening and ending, alarms, devices going silent) of up to 24 hours, for replay");
        return app;
    }

    /// <param name="range"><c>1h</c>, <c>24h</c> (default) or <c>7d</c>.</param>
    private static async Task<Results<Ok<HistoryResponse>, ProblemHttpResult>> GetHistory(
        string? region, string? range, HttpContext http, GridRegistry registry, IGrainFactory grains, IAuthorizationService authorization, TimeProvider clock)
    {
        if (HistoryRange.Find(range) is not { } chosen)
        {
            return Problem(StatusCodes.Status400BadRequest, $"range must be one of {string.Join(", ", HistoryRange.All.Select(r => r.Name))}.");
        }

        var (districts, problem) = await DistrictsAsync(region, http, registry, authorization);
        if (problem is not null)
        {
            return problem;
        }

        var now = clock.GetUtcNow();
        var to = new DateTimeOffset(now.Ticks - (now.Ticks % chosen.Step.Ticks), TimeSpan.Zero).Add(chosen.Step);
        var from = to - chosen.Span;
        var keys = districts!.Codes.SelectMany(d => SituationHistoryKeys.Days(d, from, to)).Select(k => grains.GetGrain<ISituationHistoryGrain>(k)).ToList();
        var categories = await Task.WhenAll(keys.Select(k => k.CountOpenedByCategory(from, to).AsTask()));
        var days = await ReadDaysAsync(grains, districts.Codes, from, to, happenings: false);
        return TypedResults.Ok(new HistoryResponse(
            districts.Region, chosen.Name, from, to, (int)chosen.Step.TotalSeconds,
            HistorySeries.Points(days.Minutes, from, to, chosen.Step),
            HistorySeries.Categories(categories)));
    }

    private static async Task<Results<Ok<ReplayResponse>, ProblemHttpResult>> GetReplay(
        string? region, DateTimeOffset? from, DateTimeOffset? to, HttpContext http, GridRegistry registry, IGrainFactory grains, IAuthorizationService authorization, TimeProvider clock)
    {
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end - MaxReplay;
        if (start >= end || end - start > MaxReplay)
        {
            return Problem(StatusCodes.Status400BadRequest, "from must be before to, and at most 24 hours before it.");
        }

        if (clock.GetUtcNow() - start > TimeSpan.FromDays(SituationHistoryKeys.RetentionDays))
        {
            return Problem(StatusCodes.Status400BadRequest, $"History is kept for {SituationHistoryKeys.RetentionDays} days.");
        }

        var (districts, problem) = await DistrictsAsync(region, http, registry, authorization);
        if (problem is not null)
        {
            return problem;
        }

        var days = await ReadDaysAsync(grains, districts!.Codes, start, end, happenings: true);
        return TypedResults.Ok(new ReplayResponse(
            districts.Region, start, end,
            HistorySeries.Points(days.Minutes, start, end, TimeSpan.FromMinutes(1)),
            [.. days.Happenings.OrderBy(h => h.At)]));
    }

    private sealed record Districts(string Region, IReadOnlyList<string> Codes);

    private static async Task<(Districts?, ProblemHttpResult?)> DistrictsAsync(string? region, HttpContext http, GridRegistry registry, IAuthorizationService authorization)
    {
        var model = registry.Current;
        var code = region ?? http.User.FindFirst(CityClaims.Region)?.Value ?? model.City.Code;
        if (model.Region(code) is not { } found)
        {
            return (null, Problem(StatusCodes.Status404NotFound, $"No region '{code}'."));
        }

        if (found.Level is not (GridLevel.City or GridLevel.District))
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "History is kept for the city and its districts; ask for one of them."));
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(code)))
        {
            return (null, Problem(StatusCodes.Status403Forbidden, $"Region '{code}' is outside your regions."));
        }

        return (new Districts(code, model.DistrictsOf(code)), null);
    }

    private static async Task<(List<List<MinuteCounts>> Minutes, List<SituationHappening> Happenings)> ReadDaysAsync(
        IGrainFactory grains, IReadOnlyList<string> districts, DateTimeOffset from, DateTimeOffset to, bool happenings)
    {
        var perDistrict = await Task.WhenAll(districts.Select(async district =>
        {
            var days = SituationHistoryKeys.Days(district, from, to).Select(key => grains.GetGrain<ISituationHistoryGrain>(key)).ToList();
            var minutes = await Task.WhenAll(days.Select(d => d.GetMinutes().AsTask()));
            var found = happenings ? await Task.WhenAll(days.Select(d => d.GetHappenings(from, to).AsTask())) : [];
            return (Minutes: minutes.SelectMany(m => m).ToList(), Happenings: found.SelectMany(h => h).ToList());
        }));
        return ([.. perDistrict.Select(d => d.Minutes)], [.. perDistrict.SelectMany(d => d.Happenings)]);
    }

    private static ProblemHttpResult Problem(int status, string title) => TypedResults.Problem(title: title, statusCode: status);
}
