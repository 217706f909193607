using System.Data.Common;
using CityOps.Grains.Interfaces.Cluster;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CityOps.DashboardHost.Lifecycle;

/// <summary>
/// A request that failed because the engine's storage or one of its silos was out of reach (a database restarting, a
/// silo being replaced, a grain call that timed out) is answered 503 with Retry-After, not 500: nothing is wrong with
/// the request, and the dispatcher's screen or the phone sends it again. Anything else stays a 500.
/// </summary>
public sealed partial class UnavailableExceptionHandler(IProblemDetailsService problems, ILogger<UnavailableExceptionHandler> logger) : IExceptionHandler
{
    public const string RetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (!IsUnavailable(exception))
        {
            return false;
        }

        LogUnavailable(httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The engine cannot reach its storage or a silo just now; send the request again in a few seconds.",
            },
        });
    }

    /// <summary>Whether the failure, or one it wraps, is one that passes by itself.</summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true } || ClusterFailures.IsTransient(e))
            {
                return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsUnavailable))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(LogLevel.Warning, "{Method} {Path} answered 503: {Kind}: {Message}")]
    private partial void LogUnavailable(string method, PathString path, string kind, string message);
}
