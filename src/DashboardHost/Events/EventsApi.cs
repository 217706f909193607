using System.Text.Json;
using CityOps.Crypto;
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

namespace CityOps.DashboardHost.Events;

/// <summary>
/// Cases over HTTP (docs/architecture.md, Contracts): reports, lists, actions, evidence and the audit trail. Every
/// action is taken as the token's user; <see cref="CaseScope"/> decides which cases they may read, list
/// and act on (their regions and department), and the lifecycle which actions their role allows.
/// </summary>
public static class EventsApi
{
    private const int DefaultLimit = 200;
    private const int MaxLimit = 1000;
    private const int MaxDescription = 2000;
    private const int MaxAddress = 200;
    private const int MaxPhotos = 9;

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/events").WithTags("Events").RequireAuthorization(AccessPolicies.Viewer);
        events.MapGet("/", ListEvents).WithSummary("Cases by status, region, department, category, urgency and overdue, most recently changed first");
        events.MapGet("/{id}", GetEvent).WithSummary("A case with its clock, escalations, allowed actions and timeline");
        events.MapPost("/", Report).RequireAuthorization(AccessPolicies.Responder)
            .WithSummary("Report a problem at a place; a duplicate of an open case is counted there");
        events.MapPost("/{id}/actions", Act).RequireAuthorization(AccessPolicies.Responder)
            .WithSummary("Take a lifecycle action: register, reject, dispatch, accept, return, handle, verify, rework, close, suspend, resume, reopen, merge");
        events.MapPost("/{id}/evidence", AttachEvidence).RequireAuthorization(AccessPolicies.Responder).DisableAntiforgery()
            .WithSummary("Upload a photo for a case; name its SHA-256 in the next action's attachments");
        events.MapGet("/{id}/audit", GetAudit).WithSummary("The case's hash-chained audit trail and whether it verifies");
        events.MapPost("/{id}/audit/verify", VerifyAudit).WithSummary("Verify the audit trail: the first broken link, if any");

        app.MapPost("/api/evidence", UploadEvidence).WithTags("Events").RequireAuthorization(AccessPolicies.Responder).DisableAntiforgery()
            .WithSummary("Upload a photo before reporting; name its SHA-256 in the report's photos");
        app.MapGet("/api/evidence/{sha256}", DownloadEvidence).WithTags("Events").RequireAuthorization(AccessPolicies.Viewer)
            .WithSummary("An evidence file by its SHA-256, read through a case that names it (?case=E…) and that the caller may read");
        app.MapGet("/api/catalogue", GetCatalogue).WithTags("Events").RequireAuthorization(AccessPolicies.Viewer)
            .WithSummary("Event categories with their urgency and time limits, and the departments");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<EventSummaryResponse>>, ProblemHttpResult>> ListEvents(
        string? status, string? region, string? department, bool? overdue, string? category, string? urgency, int? limit,
        HttpContext http, IGrainFactory grains, IAuthorizationService authorization, GridRegistry grid, CityCatalogue catalogue, TimeProvider clock)
    {
        List<EventState>? states = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            states = [];
            foreach (var name in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!TryParse<EventState>(name, out var state))
                {
                    return Problem(StatusCodes.Status400BadRequest, $"status must be one or more of {Names<EventState>()}");
                }

                states.Add(state);
            }
        }

        EventUrgency? urgencyFilter = null;
        if (urgency is not null)
        {
            if (!TryParse<EventUrgency>(urgency, out var parsed))
            {
                return Problem(StatusCodes.Status400BadRequest, $"urgency must be one of {Names<EventUrgency>()}");
            }

            urgencyFilter = parsed;
        }

        if (limit is < 1 or > MaxLimit)
        {
            return Problem(StatusCodes.Status400BadRequest, $"limit must be between 1 and {MaxLimit}");
        }

        var model = grid.Current;
        IReadOnlyList<string> regions;
        if (region is not null)
        {
            if (model.Region(region) is null && model.Cell(region) is null)
            {
                return Problem(StatusCodes.Status404NotFound, $"No region or cell '{region}'.");
            }

            if (!await authorization.CanAccessAsync(http.User, new ScopedResource(region)))
            {
                return Problem(StatusCodes.Status403Forbidden, $"'{region}' is outside your regions.");
            }

            regions = [region];
        }
        else
        {
            regions = [.. http.User.FindAll(CityClaims.Region).Select(c => c.Value)];
        }

        var now = clock.GetUtcNow();
        var query = new EventQuery(null, states, department, overdue, category, now, limit ?? DefaultLimit, CaseViewers.From(http.User), Urgency: urgencyFilter);
        var found = await Task.WhenAll(regions
            .SelectMany(r => model.DistrictsOf(r).Select(d => (District: d, Prefix: r)))
            .Select(p => grains.GetGrain<IEventIndexGrain>(p.District).Query(query with { RegionPrefix = p.Prefix })));
        IReadOnlyList<EventSummaryResponse> items =
        [
            .. EventQueries.OrderAndLimit(query, found.SelectMany(f => f).DistinctBy(s => s.Id))
                .Select(s => EventSummaryResponse.From(s, catalogue, now)),
        ];
        return TypedResults.Ok(items);
    }

    private static async Task<Results<Ok<EventDetailResponse>, ProblemHttpResult>> GetEvent(
        string id, HttpContext http, IGrainFactory grains, CaseScope scope, CityCatalogue catalogue, TimeProvider clock)
    {
        var (view, problem) = await FindAsync(id, http, grains, scope);
        return problem ?? (Results<Ok<EventDetailResponse>, ProblemHttpResult>)TypedResults.Ok(EventDetailResponse.From(view!, catalogue, clock.GetUtcNow()));
    }

    private static async Task<Results<Created<ReportResponse>, ProblemHttpResult>> Report(
        ReportRequest request, HttpContext http, IGrainFactory grains, IAuthorizationService authorization, GridRegistry grid,
        CityCatalogue catalogue, IEvidenceStore evidence, CryptoSettings crypto, TimeProvider clock)
    {
        if (InputLimits.FirstTooLong(
                ("category", request.Category, InputLimits.Code), ("description", request.Description, MaxDescription),
                ("address", request.Address, MaxAddress), ("urgency", request.Urgency, InputLimits.Code)) is { } tooLong)
        {
            return tooLong;
        }

        if (ReportProblem(request, catalogue) is { } invalid)
        {
            return Problem(StatusCodes.Status400BadRequest, invalid);
        }

        var (lon, lat) = (request.Location![0], request.Location[1]);
        if (grid.Current.Locate(lon, lat) is not { } located)
        {
            return Problem(StatusCodes.Status400BadRequest, $"({lon}, {lat}) lies outside the city's grid.");
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(located.Cell.Code)))
        {
            return Problem(StatusCodes.Status403Forbidden, $"Cell {located.Cell.Code} is outside your regions.");
        }

        var (missing, photoSm3s) = await AttachmentsAsync(request.Photos, evidence, crypto, http.RequestAborted);
        if (missing is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, missing);
        }

        var actor = EventActors.From(http.User);
        var (key, badKey) = IdempotencyKeys.From(http.Request, "http:" + actor.Username);
        if (badKey is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, badKey);
        }

        var urgency = request.Urgency is null ? (EventUrgency?)null : Enum.Parse<EventUrgency>(request.Urgency, ignoreCase: true);
        var report = new EventReport(
            request.Category!, new EventLocation(lon, lat, located.Cell.Code, request.Address), request.Description, EventActors.ChannelOf(actor),
            actor.Username, clock.GetUtcNow(), urgency, request.Photos ?? [], OriginOf(http), IdempotencyKey: key, PhotoSm3s: photoSm3s);
        var result = await grains.GetGrain<IEventIntakeGrain>(0).Report(report);
        return TypedResults.Created($"/api/events/{result.EventId}", new ReportResponse(result.EventId, result.Merged, result.State));
    }

    private static async Task<Results<Ok<EventDetailResponse>, Accepted<AwaitingApprovalResponse>, ProblemHttpResult>> Act(
        string id, ActionRequest request, HttpContext http, IGrainFactory grains, CaseScope scope,
        CityCatalogue catalogue, IEvidenceStore evidence, CryptoSettings crypto, TimeProvider clock)
    {
        if (InputLimits.FirstTooLong(
                ("action", request.Action, InputLimits.Code), ("reason", request.Reason, InputLimits.Reason), ("department", request.Department, InputLimits.Code),
                ("assignee", request.Assignee, InputLimits.Code), ("primaryEventId", request.PrimaryEventId, InputLimits.Code),
                ("ifAssignedTo", request.IfAssignedTo, InputLimits.Code)) is { } tooLong)
        {
            return tooLong;
        }

        if (!TryParse<EventAction>(request.Action, out var action) || action == EventAction.Report)
        {
            return Problem(StatusCodes.Status400BadRequest, $"action must be one of {Names<EventAction>(EventAction.Report)}");
        }

        var (_, problem) = await FindAsync(id, http, grains, scope);
        if (problem is not null)
        {
            return problem;
        }

        // Merging counts this case on the primary and shows it there: the primary must be the user's too.
        if (action == EventAction.Merge && request.PrimaryEventId is { } primaryId && CaseIds.IsCaseId(primaryId)
            && await grains.GetGrain<IUrbanEventGrain>(primaryId).Get() is { } primary
            && scope.Refusal(CaseViewers.From(http.User), primary.Summary) is { } outside)
        {
            return Problem(StatusCodes.Status403Forbidden, $"The primary case is out of your scope: {outside}");
        }

        var (missing, attachmentSm3s) = await AttachmentsAsync(request.Attachments, evidence, crypto, http.RequestAborted);
        if (missing is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, missing);
        }

        var (key, badKey) = IdempotencyKeys.From(http.Request, "http:" + http.User.FindFirst("sub")?.Value);
        if (badKey is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, badKey);
        }

        var actionRequest = new EventActionRequest(
            action, request.Reason, null, request.Department, request.Assignee, request.PrimaryEventId, request.Attachments ?? [], OriginOf(http),
            AssignNearest: request.AssignNearest == true, IdempotencyKey: key, IfAssignedTo: request.IfAssignedTo, AttachmentSm3s: attachmentSm3s);
        var outcome = await grains.GetGrain<IUrbanEventGrain>(id).Act(EventActors.From(http.User), actionRequest);
        if (outcome.Replayed)
        {
            http.Response.Headers[IdempotencyKeys.ReplayedHeader] = "true";
        }

        var now = clock.GetUtcNow();
        if (outcome.Refusal is { } refusal)
        {
            var status = refusal.Kind switch
            {
                RefusalKind.NotAllowedInState or RefusalKind.PrimaryUnavailable or RefusalKind.NobodyOnDuty or RefusalKind.Reassigned => StatusCodes.Status409Conflict,
                RefusalKind.RoleNotPermitted or RefusalKind.NotForThisCase => StatusCodes.Status403Forbidden,
                _ => StatusCodes.Status400BadRequest,
            };
            return TypedResults.Problem(
                title: refusal.Message,
                statusCode: status,
                extensions: new Dictionary<string, object?>
                {
                    ["allowedActions"] = refusal.AllowedActions.Select(a => JsonNamingPolicy.CamelCase.ConvertName(a.ToString())).ToList(),
                    ["refusal"] = JsonNamingPolicy.CamelCase.ConvertName(refusal.Kind.ToString()),
                });
        }

        var detail = EventDetailResponse.From(outcome.Event!, catalogue, now);
        return outcome.AwaitingApproval
            ? TypedResults.Accepted($"/api/events/{id}", new AwaitingApprovalResponse(true, detail))
            : TypedResults.Ok(detail);
    }

    private static async Task<Results<Ok<EvidenceFile>, ProblemHttpResult>> AttachEvidence(
        string id, IFormFile? file, HttpContext http, IGrainFactory grains, CaseScope scope, IEvidenceStore evidence)
    {
        var (_, problem) = await FindAsync(id, http, grains, scope);
        return problem ?? await StoreAsync(file, evidence, http.RequestAborted);
    }

    private static Task<Results<Ok<EvidenceFile>, ProblemHttpResult>> UploadEvidence(IFormFile? file, HttpContext http, IEvidenceStore evidence) =>
        StoreAsync(file, evidence, http.RequestAborted);

    /// <summary>
    /// A file is read through a case that names it (its report's photos or an action's attachments) and that the
    /// caller may read; the store is content-addressed and keeps no owner, so nothing else could vouch for a reader.
    /// </summary>
    /// <param name="case">The case the file belongs to.</param>
    private static async Task<IResult> DownloadEvidence(string sha256, string? @case, IEvidenceStore evidence, HttpContext http, IGrainFactory grains, CaseScope scope)
    {
        if (!Evidence.IsSha256(sha256))
        {
            return Problem(StatusCodes.Status400BadRequest, "An evidence file is named by its SHA-256 in lowercase hex.");
        }

        if (string.IsNullOrEmpty(@case))
        {
            return Problem(StatusCodes.Status403Forbidden, "Evidence is read through the case that names it: add ?case=E… of a case you may read.");
        }

        var (view, problem) = await FindAsync(@case, http, grains, scope);
        if (problem is not null)
        {
            return problem;
        }

        if (!view!.PhotoSha256s.Contains(sha256, StringComparer.Ordinal))
        {
            return Problem(StatusCodes.Status403Forbidden, $"Case {@case} names no evidence {sha256}.");
        }

        return await evidence.OpenAsync(sha256, http.RequestAborted) is { } found
            ? TypedResults.Stream(found.Content, found.ContentType, enableRangeProcessing: false)
            : Problem(StatusCodes.Status404NotFound, $"No evidence {sha256}.");
    }

    private static async Task<Results<Ok<AuditResponse>, ProblemHttpResult>> GetAudit(
        string id, HttpContext http, IGrainFactory grains, CaseScope scope)
    {
        var (_, problem) = await FindAsync(id, http, grains, scope);
        if (problem is not null)
        {
            return problem;
        }

        var grain = grains.GetGrain<IUrbanEventGrain>(id);
        return TypedResults.Ok(new AuditResponse(await grain.GetAudit(), await grain.VerifyAudit()));
    }

    private static async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> VerifyAudit(
        string id, HttpContext http, IGrainFactory grains, CaseScope scope)
    {
        var (_, problem) = await FindAsync(id, http, grains, scope);
        return problem ?? (Results<Ok<AuditVerification>, ProblemHttpResult>)TypedResults.Ok(await grains.GetGrain<IUrbanEventGrain>(id).VerifyAudit());
    }

    private static Ok<CatalogueResponse> GetCatalogue(CityCatalogue catalogue) => TypedResults.Ok(new CatalogueResponse(
        [.. catalogue.Categories.Select(c => new CategoryResponse(c.Code, c.Name, c.NameEn, c.Family, c.Group, c.Urgency, c.Limits, c.AutoRegister, c.AutoDispatch))],
        [.. catalogue.Departments]));

    /// <summary>The case and whether the user may see it; a case out of their scope is as good as missing to them, but says why.</summary>
    private static async Task<(UrbanEventView? View, ProblemHttpResult? Problem)> FindAsync(
        string id, HttpContext http, IGrainFactory grains, CaseScope scope)
    {
        if (!CaseIds.IsCaseId(id))
        {
            return (null, Problem(StatusCodes.Status404NotFound, $"No case '{id}'."));
        }

        var view = await grains.GetGrain<IUrbanEventGrain>(id).GetFor(EventActors.From(http.User));
        if (view is null)
        {
            return (null, Problem(StatusCodes.Status404NotFound, $"No case '{id}'."));
        }

        return scope.Refusal(CaseViewers.From(http.User), view.Summary) is { } refusal
            ? (null, Problem(StatusCodes.Status403Forbidden, refusal))
            : (view, null);
    }

    private static Task<Results<Ok<EvidenceFile>, ProblemHttpResult>> StoreAsync(IFormFile? file, IEvidenceStore evidence, CancellationToken cancellationToken) =>
        EvidenceIntake.StoreAsync(file, evidence, cancellationToken);

    /// <summary>
    /// Why the attachments cannot be taken (too many, or one not stored), else in 国密 mode their SM3 digests for the audit
    /// entry, in their order (null in the international mode).
    /// </summary>
    private static async Task<(string? Missing, string[]? Sm3s)> AttachmentsAsync(string[]? hashes, IEvidenceStore evidence, CryptoSettings crypto, CancellationToken cancellationToken)
    {
        if (hashes is null)
        {
            return (null, null);
        }

        if (hashes.Length > MaxPhotos)
        {
            return ($"At most {MaxPhotos} files may be attached at once.", null);
        }

        foreach (var hash in hashes)
        {
            if (!Evidence.IsSha256(hash) || !await evidence.ExistsAsync(hash, cancellationToken))
            {
                return ($"No evidence {hash}: upload it to /api/evidence first and name the SHA-256 it returns.", null);
            }
        }

        if (crypto.Mode != CryptoMode.Gm)
        {
            return (null, null);
        }

        var sm3s = new string[hashes.Length];
        for (var i = 0; i < hashes.Length; i++)
        {
            sm3s[i] = await evidence.Sm3Async(hashes[i], cancellationToken) ?? throw new InvalidOperationException($"Evidence {hashes[i]} vanished while it was attached.");
        }

        return (null, sm3s);
    }

    private static string? ReportProblem(ReportRequest r, CityCatalogue catalogue) => r switch
    {
        { Category: null or "" } => "category is required (see GET /api/catalogue)",
        _ when catalogue.Category(r.Category!) is null => $"category '{r.Category}' is not in the catalogue (see GET /api/catalogue)",
        { Location: not [_, _] } => "location must be [lon, lat]",
        _ when !double.IsFinite(r.Location![0]) || !double.IsFinite(r.Location[1]) || Math.Abs(r.Location[0]) > 180 || Math.Abs(r.Location[1]) > 90 =>
            "location must be WGS 84 [lon, lat] in degrees",
        { Urgency: { } u } when !TryParse<EventUrgency>(u, out _) => $"urgency must be one of {Names<EventUrgency>()}",
        _ => null,
    };

    /// <summary>Case ids are <c>E</c>, a date and a number: anything else is not looked up at all.</summary>
    private static string OriginOf(HttpContext http) => "http:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>Parses an API name (camelCase, any case); minimal APIs' own enum binding is case-sensitive.</summary>
    private static bool TryParse<T>(string? name, out T value)
        where T : struct, Enum =>
        Enum.TryParse(name, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(name, out _);

    private static string Names<T>(params T[] except)
        where T : struct, Enum =>
        string.Join(", ", Enum.GetValues<T>().Except(except).Select(v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString())));

    private static ProblemHttpResult Problem(int status, string title) => TypedResults.Problem(title: title, statusCode: status);
}
