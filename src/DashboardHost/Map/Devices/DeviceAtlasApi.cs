using System.IO.Compression;
using System.Text.Json;
using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Grid;
using CityOps.Grid;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CityOps.DashboardHost.Map.Devices;

public static class DeviceAtlasApi
{
    public static IEndpointRouteBuilder MapDeviceAtlasApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/map/devices", GetDevices)
            .RequireAuthorization(AccessPolicies.Viewer)
            .WithTags("Map")
            .Produces<DeviceMarks>(StatusCodes.Status200OK, "application/json")
            .WithSummary("Every device of a region with its kind, place and state, in columns, for the situation map (gzip when the client takes it)");
        return app;
    }

    /// <param name="region">The region whose devices to list; the caller's first region when omitted.</param>
    /// <remarks>A city of 100,000 devices is about 6 MB of JSON and 1 MB gzipped, so it is compressed here when the client accepts it.</remarks>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetDevices(
        string? region, HttpContext http, GridRegistry registry, DeviceAtlas atlas, IAuthorizationService authorization,
        IOptions<JsonOptions> json, CancellationToken cancellationToken)
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

        var marks = await atlas.ReadAsync(cell => RegionScope.Contains(code, cell), cancellationToken);
        var body = JsonSerializer.SerializeToUtf8Bytes(marks, json.Value.SerializerOptions);
        http.Response.Headers.Vary = "Accept-Encoding";
        if (!http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.File(body, "application/json");
        }

        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
        {
            await gzip.WriteAsync(body, cancellationToken);
        }

        http.Response.Headers.ContentEncoding = "gzip";
        return TypedResults.File(compressed.ToArray(), "application/json");
    }
}
