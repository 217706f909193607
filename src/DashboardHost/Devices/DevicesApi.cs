using System.Text.Json;
using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grid;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Devices;

/// <summary>A device twin as the API shows it (docs/architecture.md, Contracts).</summary>
/// <param name="Commands">The downlink commands this device accepts (<see cref="DeviceCommands"/>).</param>
/// <param name="Detections">A video channel's latest AI detections, newest first, each with what became of it (docs/devices.md).</param>
/// <param name="DetectionCounts">Detections per kind: raised, below the kind's threshold, repeated within its window.</param>
public sealed record DeviceResponse(
    string Id,
    DeviceKind Kind,
    string Name,
    double[] Location,
    string CellCode,
    bool Online,
    DateTimeOffset? LastSeen,
    IReadOnlyDictionary<string, double> Values,
    IReadOnlyDictionary<string, DateTimeOffset> ValueTimes,
    IReadOnlyList<DeviceAlarm> Alarms,
    VideoResponse? Video,
    IReadOnlyList<string>? Modules,
    IReadOnlyList<string> Commands,
    IReadOnlyList<DetectionRecord> Detections,
    IReadOnlyDictionary<string, DetectionTally> DetectionCounts)
{
    public static DeviceResponse From(DeviceSnapshot s) => new(
        s.Id,
        s.Kind,
        s.Name,
        [s.Longitude, s.Latitude],
        s.CellCode,
        s.Online,
        s.LastSeen,
        s.Values.ToDictionary(v => v.Key, v => v.Value.Value),
        s.Values.ToDictionary(v => v.Key, v => v.Value.Timestamp),
        s.Alarms,
        s.Video is { } v ? new VideoResponse(s.Id, v.Scene, v.Industry, v.SharingScope, v.StreamUrl, s.LatestSnapshot, v.Presets ?? []) : null,
        s.Modules,
        DeviceCommands.Accepted(s.Kind, s.Modules, s.Video),
        s.Detections ?? [],
        s.DetectionTallies ?? new Dictionary<string, DetectionTally>());
}

/// <summary>A video channel's 一机一档 record with its latest AI snapshot and the presets it can be turned to.</summary>
public sealed record VideoResponse(string Code, string Scene, string Industry, string SharingScope, string StreamUrl, string? LatestSnapshot, IReadOnlyList<int> Presets);

/// <summary>What an administrator sends to provision a device.</summary>
public sealed record ProvisionRequest(
    string? Id, DeviceKind? Kind, string? Name, double[]? Location, string? CellCode, int? ExpectedIntervalSeconds, VideoRecord? Video, string[]? Modules);

/// <summary>A provisioned device with its secret, shown this once and never again.</summary>
public sealed record ProvisionResponse(string Id, DeviceKind Kind, string Secret, string CellCode);

public sealed record CommandRequest(string? Name, JsonElement Args);

/// <summary>One device of a listing, as its grid cell knows it.</summary>
public sealed record DeviceListItem(string Id, DeviceKind Kind, string CellCode, bool Online, int ActiveAlarms);

/// <summary>A listing: how many devices matched, and the first of them by id.</summary>
public sealed record DeviceListResponse(int Total, IReadOnlyList<DeviceListItem> Devices);

public static class DevicesApi
{
    private const int MaxStreamUrl = 2048;

    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        var devices = app.MapGroup("/api/devices").WithTags("Devices").RequireAuthorization(AccessPolicies.Viewer);
        devices.MapGet("/", ListDevices).WithSummary("The devices of a cell or region, optionally by kind and online state");
        devices.MapGet("/{id}", GetDevice).WithSummary("A device twin's latest values, online state and alarms, and the commands it accepts");
        devices.MapGet("/{id}/history", GetHistory).WithSummary("Downsampled history of one metric (average, min, max per interval)");
        devices.MapGet("/{id}/commands", GetCommands).WithSummary("The device's recent downlink commands and what became of them");
        devices.MapPost("/{id}/commands", SendCommand).RequireAuthorization(AccessPolicies.Operator)
            .WithSummary("Send setLight, broadcast or cameraPreset to a device that accepts it (its commands)");
        devices.MapPost("/{id}/alarms/{kind}/clear", ClearAlarm).RequireAuthorization(AccessPolicies.Operator)
            .WithSummary("Clear an alarm no reading can clear (an SOS press, a video detection) once it has been dealt with");
        devices.MapPost("/", Provision).RequireAuthorization(AccessPolicies.Admin)
            .WithSummary("Provision a device; its secret is returned once");
        devices.MapPost("/{id}/revoke", Revoke).RequireAuthorization(AccessPolicies.Admin)
            .WithSummary("Revoke a device's credentials and disconnect it");
        app.MapGet("/api/gateway/stats", GetGatewayStats).WithTags("Devices").RequireAuthorization(AccessPolicies.Operator)
            .WithSummary("Messages accepted by channel, refused by reason, throttled devices");
        return app;
    }

    private static async Task<Results<Ok<DeviceListResponse>, ProblemHttpResult>> ListDevices(
        string? cell, string? region, string? kind, bool? online, int? limit, HttpContext http, IGrainFactory grains, IAuthorizationService authorization, GridRegistry grid)
    {
        DeviceKind? kindFilter = null;
        if (kind is not null)
        {
            if (!Enum.TryParse<DeviceKind>(kind, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Problem(StatusCodes.Status400BadRequest, $"kind must be one of {string.Join(", ", Enum.GetNames<DeviceKind>().Select(JsonNamingPolicy.CamelCase.ConvertName))}");
            }

            kindFilter = parsed;
        }

        var scope = cell ?? region;
        if (scope is null || (cell is not null && region is not null))
        {
            return Problem(StatusCodes.Status400BadRequest, "Give either cell (a unit grid cell code) or region (a region code).");
        }

        var model = grid.Current;
        if (region is not null && model.Region(region) is { Level: GridLevel.City or GridLevel.District })
        {
            return Problem(StatusCodes.Status400BadRequest, "List by street, community or cell; a district or the city holds too many devices for one list.");
        }

        var cells = cell is not null
            ? model.Cell(cell) is null ? null : new[] { cell }
            : model.Region(region!) is null ? null : model.CellsWithin(region!).Select(c => c.Code).ToArray();
        if (cells is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No cell or region '{scope}'.");
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(scope)))
        {
            return Problem(StatusCodes.Status403Forbidden, $"'{scope}' is outside your regions.");
        }

        var take = Math.Clamp(limit ?? 500, 1, 5000);
        var found = new System.Collections.Concurrent.ConcurrentBag<DeviceListItem>();
        await Parallel.ForEachAsync(cells, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (code, _) =>
        {
            foreach (var d in await grains.GetGrain<IGridCellGrain>(code).GetDevices())
            {
                if ((kindFilter is null || d.Kind == kindFilter) && (online is null || d.Online == online))
                {
                    found.Add(new DeviceListItem(d.DeviceId, d.Kind, code, d.Online, d.ActiveAlarms.Length));
                }
            }
        });
        var sorted = found.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new DeviceListResponse(sorted.Count, [.. sorted.Take(take)]));
    }

    private static async Task<Results<Ok<DeviceResponse>, ProblemHttpResult>> GetDevice(
        string id, HttpContext http, IGrainFactory grains, IAuthorizationService authorization)
    {
        var (twin, problem) = await FindInScopeAsync(id, http, grains, authorization);
        return twin is null ? problem! : TypedResults.Ok(DeviceResponse.From((await twin.GetSnapshot())!));
    }

    private static async Task<Results<Ok<IReadOnlyList<HistoryPoint>>, ProblemHttpResult>> GetHistory(
        string id, string? metric, DateTimeOffset? from, DateTimeOffset? to, HttpContext http, IGrainFactory grains, IAuthorizationService authorization, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(metric))
        {
            return Problem(StatusCodes.Status400BadRequest, "metric is required, e.g. ?metric=waterLevelCm");
        }

        var until = to ?? clock.GetUtcNow();
        var since = from ?? until.AddHours(-24);
        if (since > until)
        {
            return Problem(StatusCodes.Status400BadRequest, "from must not be after to");
        }

        var (twin, problem) = await FindInScopeAsync(id, http, grains, authorization);
        return twin is null ? problem! : TypedResults.Ok(await twin.GetHistory(metric, since, until));
    }

    private static async Task<Results<Ok<IReadOnlyList<DeviceCommand>>, ProblemHttpResult>> GetCommands(
        string id, HttpContext http, IGrainFactory grains, IAuthorizationService authorization)
    {
        var (twin, problem) = await FindInScopeAsync(id, http, grains, authorization);
        return twin is null ? problem! : TypedResults.Ok(await twin.GetCommands());
    }

    private static async Task<Results<Accepted<DeviceCommand>, ProblemHttpResult>> SendCommand(
        string id, CommandRequest request, HttpContext http, IGrainFactory grains, IAuthorizationService authorization)
    {
        var (twin, problem) = await FindInScopeAsync(id, http, grains, authorization);
        if (twin is null)
        {
            return problem!;
        }

        var snapshot = (await twin.GetSnapshot())!;
        if (CommandValidator.Problem(snapshot, request.Name, request.Args) is { } invalid)
        {
            return Problem(StatusCodes.Status400BadRequest, invalid);
        }

        var command = await twin.SendCommand(request.Name!, request.Args.GetRawText(), http.User.FindFirst("sub")?.Value ?? "unknown");
        return TypedResults.Accepted($"/api/devices/{id}/commands", command);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ClearAlarm(
        string id, string kind, HttpContext http, IGrainFactory grains, IAuthorizationService authorization)
    {
        var (twin, problem) = await FindInScopeAsync(id, http, grains, authorization);
        if (twin is null)
        {
            return problem!;
        }

        return await twin.ClearAlarm(kind) ? TypedResults.NoContent() : Problem(StatusCodes.Status404NotFound, $"Device '{id}' has no '{kind}' alarm.");
    }

    private static async Task<Results<Created<ProvisionResponse>, ProblemHttpResult>> Provision(
        ProvisionRequest request, HttpContext http, IGrainFactory grains, IAuthorizationService authorization, GridRegistry grid)
    {
        if (InputLimits.FirstTooLong(
                ("name", request.Name, InputLimits.Name), ("video.scene", request.Video?.Scene, InputLimits.Name),
                ("video.industry", request.Video?.Industry, InputLimits.Name), ("video.sharingScope", request.Video?.SharingScope, InputLimits.Name),
                ("video.streamUrl", request.Video?.StreamUrl, MaxStreamUrl)) is { } tooLong)
        {
            return tooLong;
        }

        var registration = new DeviceRegistration(
            request.Id, request.Kind, request.Name, request.Location, request.CellCode, request.ExpectedIntervalSeconds, request.Video, request.Modules);
        if (DeviceProvisioning.Problem(registration) is { } invalid)
        {
            return Problem(StatusCodes.Status400BadRequest, invalid);
        }

        if (grid.Current.Cell(request.CellCode!) is null)
        {
            return Problem(StatusCodes.Status400BadRequest, $"No unit grid cell '{request.CellCode}' in the city's grid.");
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(request.CellCode!)))
        {
            return Problem(StatusCodes.Status403Forbidden, $"Cell '{request.CellCode}' is outside your regions.");
        }

        var profile = registration.ToProfile();
        return await DeviceProvisioning.ProvisionAsync(grains, profile) is { } secret
            ? TypedResults.Created($"/api/devices/{profile.Id}", new ProvisionResponse(profile.Id, profile.Kind, secret, profile.CellCode))
            : Problem(StatusCodes.Status409Conflict, $"Device '{request.Id}' already exists or was revoked.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        string id, HttpContext http, IGrainFactory grains, IAuthorizationService authorization, IServiceProvider services)
    {
        var (twin, problem) = await FindInScopeAsync(id, http, grains, authorization);
        if (twin is null)
        {
            return problem!;
        }

        // The account tells every gateway in the cluster to cut the device off.
        await grains.GetGrain<IDeviceAccountGrain>(id).Revoke();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<GatewayStats>, ProblemHttpResult>> GetGatewayStats(IGrainFactory grains)
    {
        var gateways = await grains.GetGrain<IGatewayDirectoryGrain>(0).Stats();
        return gateways.Count > 0
            ? TypedResults.Ok(GatewayStats.Sum(gateways.Values))
            : Problem(StatusCodes.Status503ServiceUnavailable, "No device gateway is running in the cluster.");
    }

    /// <summary>The device's twin when it exists and lies in the caller's regions; otherwise the problem to answer.</summary>
    private static async Task<(IDeviceTwinGrain? Twin, ProblemHttpResult? Problem)> FindInScopeAsync(
        string id, HttpContext http, IGrainFactory grains, IAuthorizationService authorization)
    {
        var kind = await grains.GetGrain<IDeviceAccountGrain>(id).GetKind();
        var twin = kind is { } k ? DeviceTwins.Get(grains, k, id) : null;
        var snapshot = twin is null ? null : await twin.GetSnapshot();
        if (snapshot is null)
        {
            return (null, Problem(StatusCodes.Status404NotFound, $"No device '{id}'."));
        }

        return await authorization.CanAccessAsync(http.User, new ScopedResource(snapshot.CellCode))
            ? (twin, null)
            : (null, Problem(StatusCodes.Status403Forbidden, $"Device '{id}' is outside your regions."));
    }

    private static ProblemHttpResult Problem(int status, string title) => TypedResults.Problem(title: title, statusCode: status);
}
