using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Events;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grid;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace CityOps.DashboardHost.Open311;

/// <summary>
/// The 12345 hotline and other systems through Open311 GeoReport v2 (JSON only): the catalogue as
/// services, service requests opened through intake on the hotline channel, and their public
/// status (GeoReport v2's public fields only; the city's internal cases are never shown). Reading is
/// public and rate limited per address; creating needs a client's <c>api_key</c>. Errors are always
/// the GeoReport array of <c>{code, description}</c> with the same HTTP status.
/// </summary>
public static partial class Open311Api
{
    /// <summary>The spec's cap on one listing.</summary>
    public const int MaxResults = 1000;

    /// <summary>The spec's default window of a listing without dates.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(90);

    private const string Json = "json";

    /// <summary>Web defaults accept numbers written as strings ("lat": "27.61"), which clients of form-minded APIs send.</summary>
    private static readonly JsonSerializerOptions SubmissionJson = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapOpen311Api(this IEndpointRouteBuilder app)
    {
        var open311 = app.MapGroup("/open311/v2").WithTags("Open311").AllowAnonymous();
        open311.MapGet("/services.{format}", ListServices)
            .RequireRateLimiting(SignInLimits.Open311ReadPolicy)
            .WithSummary("The city's event categories as GeoReport v2 services (?locale=en for English names)");
        open311.MapPost("/requests.{format}", CreateRequest)
            .Accepts<Open311Submission>("application/x-www-form-urlencoded", "application/json")
            .WithSummary("Creates a service request (a case on the hotline channel); needs api_key, service_code, lat and long");
        open311.MapGet("/requests.{format}", ListRequests)
            .RequireRateLimiting(SignInLimits.Open311ReadPolicy)
            .WithSummary("Service requests by id, service_code, status (open|closed) and start_date/end_date (a window of at most 90 days; the last 90 by default), at most 1000");
        open311.MapGet("/requests/{id}.{format}", GetRequest)
            .RequireRateLimiting(SignInLimits.Open311ReadPolicy)
            .WithSummary("One service request, as an array of one");
        return app;
    }

    private static Results<Ok<IReadOnlyList<Open311Service>>, JsonHttpResult<Open311Error[]>> ListServices(
        string format, string? locale, HttpRequest request, CityCatalogue catalogue)
    {
        if (FormatError(format) is { } unsupported)
        {
            return unsupported;
        }

        var english = IsEnglish(request, locale);
        IReadOnlyList<Open311Service> services =
        [
            .. catalogue.Categories.OrderBy(c => c.Code, StringComparer.Ordinal).Select(c =>
            {
                var family = FamilyName(c.Family, english);
                return new Open311Service(
                    c.Code,
                    english ? c.NameEn : c.Name,
                    english ? $"{c.NameEn} ({family}, {c.Group})" : $"{c.Name}（{c.Group}{family}）",
                    Metadata: false,
                    Type: "realtime",
                    string.Join(',', new[] { c.Name, c.NameEn, c.Group, FamilyName(c.Family, english: false) }.Distinct()),
                    c.Group);
            }),
        ];
        return TypedResults.Ok(services);
    }

    private static async Task<Results<Created<Open311Created[]>, Ok<Open311Created[]>, JsonHttpResult<Open311Error[]>>> CreateRequest(
        string format, string? locale, HttpContext http, IConfiguration configuration, CityCatalogue catalogue, GridRegistry grid, IGrainFactory grains, TimeProvider clock)
    {
        if (FormatError(format) is { } unsupported)
        {
            return unsupported;
        }

        var (submission, unreadable) = await ReadSubmissionAsync(http.Request);
        if (submission is null)
        {
            return Error(StatusCodes.Status400BadRequest, unreadable!);
        }

        var client = Open311Clients.Find(configuration, submission.ApiKey ?? http.Request.Query["api_key"].FirstOrDefault());
        if (client is null)
        {
            return Error(StatusCodes.Status403Forbidden, "api_key is missing or not valid: ask the city for a key for your system.");
        }

        if (SubmissionProblem(submission, catalogue) is { } invalid)
        {
            return Error(StatusCodes.Status400BadRequest, invalid);
        }

        var lon = submission.Longitude!.Value;
        var lat = submission.Latitude!.Value;
        if (grid.Current.Locate(lon, lat) is not { } place)
        {
            return Error(StatusCodes.Status400BadRequest,
                $"The point lat={lat.ToString(CultureInfo.InvariantCulture)}, long={lon.ToString(CultureInfo.InvariantCulture)} lies outside the city's grid.");
        }

        var (key, badKey) = IdempotencyKeys.From(http.Request, $"open311:{client}");
        if (badKey is not null)
        {
            return Error(StatusCodes.Status400BadRequest, badKey);
        }

        var report = new EventReport(
            submission.ServiceCode!,
            new EventLocation(lon, lat, place.Cell.Code, Blank(submission.AddressString)),
            Blank(submission.Description),
            EventChannel.Hotline,
            $"open311:{client}",
            clock.GetUtcNow(),
            Origin: Origin(http, submission),
            Contact: Contact(submission),
            MediaUrl: Blank(submission.MediaUrl),
            IdempotencyKey: key);
        var result = await grains.GetGrain<IEventIntakeGrain>(0).Report(report);

        var english = IsEnglish(http.Request, locale);
        if (result.Merged)
        {
            var notice = english
                ? $"The problem is already being dealt with as case {result.EventId}; this report was added to it."
                : $"您反映的问题已有在办案件 {result.EventId}，本次反映已并入该案件一并处理。";
            return TypedResults.Ok<Open311Created[]>([new(result.EventId, notice, null)]);
        }

        var created = english ? $"Received as case {result.EventId}." : $"已受理，案件编号 {result.EventId}。";
        return TypedResults.Created($"/open311/v2/requests/{result.EventId}.json", new Open311Created[] { new(result.EventId, created, null) });
    }

    private static async Task<Results<Ok<IReadOnlyList<Open311Request>>, JsonHttpResult<Open311Error[]>>> ListRequests(
        string format,
        [FromQuery(Name = "service_request_id")] string? ids,
        [FromQuery(Name = "service_code")] string? serviceCode,
        [FromQuery(Name = "start_date")] string? startDate,
        [FromQuery(Name = "end_date")] string? endDate,
        string? status,
        string? locale,
        HttpRequest request,
        CityCatalogue catalogue,
        GridRegistry grid,
        IGrainFactory grains,
        TimeProvider clock)
    {
        if (FormatError(format) is { } unsupported)
        {
            return unsupported;
        }

        var english = IsEnglish(request, locale);

        // The spec: ids given override every other argument.
        if (!string.IsNullOrWhiteSpace(ids))
        {
            var wanted = ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
            if (wanted.Count > MaxResults)
            {
                return Error(StatusCodes.Status400BadRequest, $"At most {MaxResults} service_request_id values at once.");
            }

            var found = await ViewsAsync(grains, wanted.Where(CaseIds.IsCaseId));
            return TypedResults.Ok(Describe(found, catalogue, english));
        }

        if (serviceCode is not null && catalogue.Category(serviceCode) is null)
        {
            return Error(StatusCodes.Status400BadRequest, $"service_code '{serviceCode}' is not a service of this city; GET /open311/v2/services.json lists them.");
        }

        IReadOnlyList<EventState>? states = status switch
        {
            null => null,
            Open311Status.Open => Open311Status.OpenStates,
            Open311Status.Closed => Open311Status.ClosedStates,
            _ => [],
        };
        if (states is { Count: 0 })
        {
            return Error(StatusCodes.Status400BadRequest, "status must be open or closed.");
        }

        if (!TryParseDate(startDate, out var start) || !TryParseDate(endDate, out var end))
        {
            return Error(StatusCodes.Status400BadRequest, "start_date and end_date must be ISO 8601 date-times with a time zone, e.g. 2026-11-22T08:00:00+08:00.");
        }

        var now = clock.GetUtcNow();
        var until = end ?? now;
        var since = start ?? until - DefaultWindow;
        if (since > until)
        {
            return Error(StatusCodes.Status400BadRequest, "start_date must not be after end_date.");
        }

        if (until - since > DefaultWindow)
        {
            return Error(StatusCodes.Status400BadRequest, $"start_date and end_date may be at most {DefaultWindow.TotalDays} days apart.");
        }

        // The public list is of service requests, what citizens reported through the hotline and other
        // systems; sensor alarms, detections and staff reports are read only by the id a caller was given.
        var query = new EventQuery(
            null, states, null, null, serviceCode, now, MaxResults,
            Channel: EventChannel.Hotline, ReportedFrom: since, ReportedUntil: until, Order: EventOrder.LatestReportFirst);
        var districts = grid.Current.DistrictsOf(grid.Current.City.Code);
        var summaries = await Task.WhenAll(districts.Select(d => grains.GetGrain<IEventIndexGrain>(d).Query(query)));
        var matching = EventQueries.OrderAndLimit(query, summaries.SelectMany(s => s)).Select(s => s.Id);
        return TypedResults.Ok(Describe(await ViewsAsync(grains, matching), catalogue, english));
    }

    private static async Task<Results<Ok<IReadOnlyList<Open311Request>>, JsonHttpResult<Open311Error[]>>> GetRequest(
        string id, string format, string? locale, HttpRequest request, CityCatalogue catalogue, IGrainFactory grains)
    {
        if (FormatError(format) is { } unsupported)
        {
            return unsupported;
        }

        var view = CaseIds.IsCaseId(id) ? (await ViewsAsync(grains, [id])).SingleOrDefault() : null;
        return view is null
            ? Error(StatusCodes.Status404NotFound, $"No service request '{id}'.")
            : TypedResults.Ok(Describe([view], catalogue, IsEnglish(request, locale)));
    }

    /// <summary>
    /// The views of the cases that exist and are service requests, in the order asked for. Only what came in
    /// through Open311 (the hotline channel) is public: sensor alarms, video detections and staff reports are
    /// the city's internal cases and answer as if they did not exist.
    /// </summary>
    private static async Task<IReadOnlyList<UrbanEventView>> ViewsAsync(IGrainFactory grains, IEnumerable<string> ids)
    {
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IUrbanEventGrain>(id).Get()));
        return [.. views.OfType<UrbanEventView>().Where(IsPublic)];
    }

    private static bool IsPublic(UrbanEventView view) => view.Summary.Channel == EventChannel.Hotline;

    private static IReadOnlyList<Open311Request> Describe(IEnumerable<UrbanEventView> views, CityCatalogue catalogue, bool english) =>
        [.. views.Select(v =>
        {
            var s = v.Summary;
            var category = catalogue.Category(s.Category);
            var department = s.Department is { } code ? catalogue.Departments.FirstOrDefault(d => d.Code == code) : null;
            return new Open311Request(
                s.Id,
                Open311Status.Of(s.State),
                Open311Status.Notes(v, department, english),
                (english ? category?.NameEn : category?.Name) ?? s.Category,
                s.Category,
                s.Description,
                english ? department?.NameEn : department?.Name,
                ServiceNotice: null,
                Timestamp(s.ReportedAt),
                Timestamp(s.UpdatedAt),
                s.Deadline is { } deadline ? Timestamp(deadline) : null,
                s.Location.Address,
                AddressId: null,
                Zipcode: null,
                s.Location.Latitude,
                s.Location.Longitude,
                v.MediaUrl);
        })];

    private static JsonHttpResult<Open311Error[]>? FormatError(string format) =>
        string.Equals(format, Json, StringComparison.OrdinalIgnoreCase)
            ? null
            : Error(StatusCodes.Status400BadRequest, $"Format '{format}' is not supported; this server speaks JSON only (use .json).");

    private static JsonHttpResult<Open311Error[]> Error(int status, string description) =>
        TypedResults.Json(new[] { new Open311Error(status, description) }, statusCode: status);

    /// <summary>English when <c>locale</c> says so, or without it when the client's first language is English.</summary>
    private static bool IsEnglish(HttpRequest request, string? locale)
    {
        if (!string.IsNullOrWhiteSpace(locale))
        {
            return locale.StartsWith("en", StringComparison.OrdinalIgnoreCase);
        }

        var preferred = request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1).FirstOrDefault();
        return preferred?.Value.Value?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true;
    }

    private static string FamilyName(string family, bool english) => (family, english) switch
    {
        ("component", false) => "部件",
        ("component", true) => "component",
        ("incident", false) => "事件",
        ("incident", true) => "incident",
        _ => family,
    };

    private static string Timestamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);

    private static bool TryParseDate(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        // A date-time without a zone would be read in the server's zone; the spec requires one.
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) || !HasZone(text))
        {
            return false;
        }

        value = parsed;
        return true;
    }

    private static bool HasZone(string text) => text.EndsWith('Z') || text.EndsWith('z') || ZoneSuffix().IsMatch(text);

    [GeneratedRegex(@"[+-]\d{2}:?\d{2}$")]
    private static partial Regex ZoneSuffix();
}
