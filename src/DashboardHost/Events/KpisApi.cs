using System.Globalization;
using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grid;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace CityOps.DashboardHost.Events;

/// <summary>The rates of an evaluation, each an exact fraction (GB/T 30428.4 style).</summary>
public sealed record KpiRates(
    KpiRatio Registration, KpiRatio OnTimeDispatch, KpiRatio DispatchAccuracy, KpiRatio OnTimeHandling, KpiRatio Closure, KpiRatio Rework);

/// <summary>Mean whole seconds per stage, as exact fractions.</summary>
public sealed record StageMeans(KpiRatio Register, KpiRatio Dispatch, KpiRatio Handle, KpiRatio Verify);

/// <summary>The KPIs of a region or department over a period of days (the city's local days).</summary>
/// <param name="KeptFrom">The earliest day the ledger keeps (<c>Events:KpiRetentionDays</c>); a period may not start before it.</param>
public sealed record KpiResponse(
    string Scope,
    DateOnly From,
    DateOnly To,
    DateOnly KeptFrom,
    long Reported,
    long Registered,
    long Rejected,
    long Merged,
    long Dispatched,
    long Returned,
    long Handled,
    long Reworked,
    long Closed,
    long Reopened,
    long Suspended,
    long Overdue,
    KpiRates Rates,
    StageMeans MeanStageSeconds,
    EventKpiCounters Counters)
{
    public static KpiResponse Of(string scope, DateOnly from, DateOnly to, KpiSum sum) => Of(scope, from, to, sum.Counters, sum.KeptFrom);

    public static KpiResponse Of(string scope, DateOnly from, DateOnly to, EventKpiCounters c, DateOnly keptFrom) => new(
        scope, from, to, keptFrom, c.Reported, c.Registered, c.Rejected, c.Merged, c.Dispatched, c.Returned, c.Handled, c.Reworked, c.Closed, c.Reopened, c.Suspended, c.Overdue,
        new KpiRates(c.RegistrationRate, c.OnTimeDispatchRate, c.DispatchAccuracy, c.OnTimeHandlingRate, c.ClosureRate, c.ReworkRate),
        new StageMeans(c.MeanStageSeconds(EventStage.Register), c.MeanStageSeconds(EventStage.Dispatch), c.MeanStageSeconds(EventStage.Handle), c.MeanStageSeconds(EventStage.Verify)),
        c);
}

public static class KpisApi
{
    /// <summary>A report spans at most a year of days: one ledger holds them all.</summary>
    private const int MaxDays = 366;

    public static IEndpointRouteBuilder MapKpisApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/kpis", GetKpis).WithTags("Events").RequireAuthorization(AccessPolicies.Viewer)
            .WithSummary("Registration, dispatch, handling, closure and rework rates, overdue counts and mean time per stage of a region or department over days (yyyy-MM-dd, the city's local dates; today by default; not before keptFrom, the earliest day kept)");
        return app;
    }

    private static async Task<Results<Ok<KpiResponse>, ProblemHttpResult>> GetKpis(
        string? region, string? department, string? from, string? to, HttpContext http, IGrainFactory grains,
        IAuthorizationService authorization, CityCatalogue catalogue, GridRegistry grid, TimeProvider clock, IConfiguration configuration)
    {
        if ((region is null) == (department is null))
        {
            return Problem(StatusCodes.Status400BadRequest, "Give either region (a region code) or department.");
        }

        var today = CityDays.DayOf(clock.GetUtcNow(), configuration.GetValue(CityDays.UtcOffsetSetting, CityDays.DefaultUtcOffset));
        if (!TryDate(from, today, out var first) || !TryDate(to, today, out var last))
        {
            return Problem(StatusCodes.Status400BadRequest, "from and to are dates, yyyy-MM-dd.");
        }

        if (first > last || last.DayNumber - first.DayNumber >= MaxDays)
        {
            return Problem(StatusCodes.Status400BadRequest, $"from must not be after to, and a report spans at most {MaxDays} days.");
        }

        string scope;
        if (region is not null)
        {
            if (GridCodes.LevelOf(region) is not { } level || level == GridLevel.Cell)
            {
                return Problem(StatusCodes.Status400BadRequest, $"region must be a region code ({GridCodes.RegionLengths} digits).");
            }

            if (!await authorization.CanAccessAsync(http.User, new ScopedResource(region)))
            {
                return Problem(StatusCodes.Status403Forbidden, $"'{region}' is outside your regions.");
            }

            scope = KpiScopes.Region(region);
        }
        else
        {
            if (!catalogue.IsDepartment(department!))
            {
                return Problem(StatusCodes.Status404NotFound, $"No department '{department}'.");
            }

            if (CaseScope.DepartmentFiguresRefusal(CaseViewers.From(http.User), department!, grid.Current.City.Code) is { } refusal)
            {
                return Problem(StatusCodes.Status403Forbidden, refusal);
            }

            scope = KpiScopes.Department(department!);
        }

        var sum = await grains.GetGrain<IKpiLedgerGrain>(scope).Sum(first, last);
        if (first < sum.KeptFrom)
        {
            // A partial sum would read as the whole period's.
            return Problem(StatusCodes.Status400BadRequest, $"KPIs are kept from {sum.KeptFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} on (Events:KpiRetentionDays); from must not be earlier.");
        }

        return TypedResults.Ok(KpiResponse.Of(scope, first, last, sum));
    }

    private static bool TryDate(string? text, DateOnly fallback, out DateOnly date)
    {
        if (text is null)
        {
            date = fallback;
            return true;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    private static ProblemHttpResult Problem(int status, string title) => TypedResults.Problem(title: title, statusCode: status);
}
