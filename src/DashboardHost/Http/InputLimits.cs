using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityOps.DashboardHost;

/// <summary>
/// Bounds on what a client may send: a JSON body size (<c>Http:MaxJsonBodyBytes</c>, 64 KiB unless a
/// route says otherwise with <see cref="LargeJsonBody"/>) and every free-text field's length. Each
/// refusal is a ProblemDetails naming the field and the limit (<c>field</c>, <c>limit</c>).
/// </summary>
public static class InputLimits
{
    public const string MaxJsonBodySetting = "Http:MaxJsonBodyBytes";
    public const long DefaultMaxJsonBodyBytes = 64 * 1024;

    /// <summary>A case's reason for an action (reject, return, suspend, rework…).</summary>
    public const int Reason = 1000;

    /// <summary>Codes and names: departments, usernames, categories.</summary>
    public const int Code = 64;

    /// <summary>Names people read: display names, device names, places.</summary>
    public const int Name = 100;

    public static ProblemHttpResult TooLong(string field, int limit) => TypedResults.Problem(
        title: $"{field} is limited to {limit} characters.",
        statusCode: StatusCodes.Status400BadRequest,
        extensions: new Dictionary<string, object?> { ["field"] = field, ["limit"] = limit });

    /// <summary>The first field longer than its limit, as a refusal; null when all fit.</summary>
    public static ProblemHttpResult? FirstTooLong(params (string Field, string? Value, int Limit)[] fields) =>
        fields.FirstOrDefault(f => f.Value?.Length > f.Limit) is { Field: not null } over ? TooLong(over.Field, over.Limit) : null;

    /// <summary>
    /// Adds <c>X-Content-Type-Options: nosniff</c> to every response and refuses a JSON body over the
    /// limit (413) before any handler reads it.
    /// </summary>
    public static IApplicationBuilder UseInputLimits(this IApplicationBuilder app, long maxJsonBodyBytes)
    {
        return app.Use(async (http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                http.Response.Headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            });

            if (http.Request.HasJsonContentType() && http.GetEndpoint()?.Metadata.GetMetadata<LargeJsonBody>() is null)
            {
                if (http.Request.ContentLength > maxJsonBodyBytes)
                {
                    await TypedResults.Problem(
                        title: $"The JSON body is limited to {maxJsonBodyBytes} bytes.",
                        statusCode: StatusCodes.Status413PayloadTooLarge,
                        extensions: new Dictionary<string, object?> { ["field"] = "body", ["limit"] = maxJsonBodyBytes }).ExecuteAsync(http);
                    return;
                }

                // A body sent without a length (chunked) is cut off at the same size by the server.
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                {
                    size.MaxRequestBodySize = maxJsonBodyBytes;
                }
            }

            await next(http);
        });
    }
}

/// <summary>Marks a route whose JSON body may exceed the general limit (a grid import); the server's own limit still applies.</summary>
public sealed class LargeJsonBody;
