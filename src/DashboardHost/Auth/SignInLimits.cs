using System.Globalization;
using System.Threading.RateLimiting;
using CityOps.DashboardHost.Open311;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.DashboardHost.Auth;

/// <summary>
/// Rate limits of the anonymous routes: sign-in and refresh per client address, sign-in per username
/// (<see cref="SignInThrottle"/>), and Open311 reads per client address. A refusal is 429 with
/// <c>Retry-After</c>: ProblemDetails on <c>/api</c>, GeoReport's error array on <c>/open311</c>.
/// Limits are per process: several web hosts each allow as much.
/// </summary>
public static class SignInLimits
{
    public const string SignInPolicy = "sign-in";
    public const string Open311ReadPolicy = "open311-read";

    public static IServiceCollection AddCityRateLimits(this IServiceCollection services, AuthOptions auth, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(auth);
        var open311Reads = configuration.GetValue("Open311:ReadsPerMinutePerAddress", 60);
        services.AddSingleton(new SignInThrottle(auth.SignInsPerMinutePerUsername));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInPolicy, http => PerMinute(http, auth.SignInsPerMinutePerAddress));
            o.AddPolicy(Open311ReadPolicy, http => PerMinute(http, open311Reads));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var http = context.HttpContext;
                if (http.Request.Path.StartsWithSegments("/open311"))
                {
                    SetRetryAfter(http.Response, retryAfter);
                    http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    await http.Response.WriteAsJsonAsync(
                        new[] { new Open311Error(429, $"Too many requests from this address: try again in {Seconds(retryAfter)} s.") }, cancellationToken);
                    return;
                }

                await WriteTooManyAsync(http, retryAfter, "Too many sign-in requests from this address.");
            };
        });
        return services;
    }

    /// <summary>429 with Retry-After and a ProblemDetails saying when to try again.</summary>
    public static async Task WriteTooManyAsync(HttpContext http, TimeSpan retryAfter, string title)
    {
        ArgumentNullException.ThrowIfNull(http);
        SetRetryAfter(http.Response, retryAfter);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await Results.Problem(title: title, detail: $"Try again in {Seconds(retryAfter)} s.", statusCode: StatusCodes.Status429TooManyRequests,
            extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = Seconds(retryAfter) }).ExecuteAsync(http);
    }

    public static void SetRetryAfter(HttpResponse response, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.RetryAfter = Seconds(retryAfter).ToString(CultureInfo.InvariantCulture);
    }

    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private static RateLimitPartition<string> PerMinute(HttpContext http, int limit) =>
        RateLimitPartition.GetFixedWindowLimiter(AdminAuditLog.AddressOf(http), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, limit),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}

/// <summary>Sign-in attempts per username per minute, so one account cannot be tried from many addresses at full speed.</summary>
public sealed class SignInThrottle(int perMinute) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(username =>
        RateLimitPartition.GetFixedWindowLimiter(username, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, perMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Null when the attempt may go on; otherwise how long to wait.</summary>
    public TimeSpan? TryAcquire(string username)
    {
        using var lease = _limiter.AttemptAcquire(username.ToLowerInvariant());
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
