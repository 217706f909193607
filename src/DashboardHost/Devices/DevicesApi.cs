using CityOps.DashboardHost.Auth;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Devices;

/// <summary>A device twin as the API shows it (DESIGN §8).</summary>
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
    IReadOnlyList<string> Alarms)
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
        s.Alarms);
}

public static class DevicesApi
{
    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        var devices = app.MapGroup("/api/devices").WithTags("Devices").RequireAuthorization(AccessPolicies.Viewer);
        devices.MapGet("/{id}", GetDevice).WithSummary("A device twin's latest values, online state and alarms");
        return app;
    }

    private static async Task<Results<Ok<DeviceResponse>, ProblemHttpResult>> GetDevice(
        string id, HttpContext http, IGrainFactory grains, IAuthorizationService authorization)
    {
        var kind = await grains.GetGrain<IDeviceAccountGrain>(id).GetKind();
        var snapshot = kind is { } k ? await DeviceTwins.Get(grains, k, id).GetSnapshot() : null;
        if (snapshot is null)
        {
            return TypedResults.Problem(title: $"No device '{id}'.", statusCode: StatusCodes.Status404NotFound);
        }

        if (!await authorization.CanAccessAsync(http.User, new ScopedResource(snapshot.CellCode)))
        {
            return TypedResults.Problem(title: $"Device '{id}' is outside your regions.", statusCode: StatusCodes.Status403Forbidden);
        }

        return TypedResults.Ok(DeviceResponse.From(snapshot));
    }
}
