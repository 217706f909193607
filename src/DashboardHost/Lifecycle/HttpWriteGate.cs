using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityOps.DashboardHost.Lifecycle;

/// <summary>
/// The HTTP side of an ordered stop: from the moment the engine begins to stop, requests that change
/// something (any method but GET, HEAD and OPTIONS) are refused with 503 and <c>Retry-After</c>, so a
/// client tries again against the engine's next start instead of losing its write halfway; writes
/// already running are waited for before the silo stops. Reads go on being served.
/// </summary>
public sealed partial class HttpWriteGate(IHostApplicationLifetime lifetime, ILogger<HttpWriteGate> logger) : IHostedService
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    private volatile bool _closed;
    private int _inFlight;
    private CancellationTokenRegistration _stopping;

    public bool IsClosed => _closed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Stopping is signalled before any hosted service stops, so the gate closes ahead of the broker and the silo.
        _stopping = lifetime.ApplicationStopping.Register(() => _closed = true);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _closed = true;
        await _stopping.DisposeAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref _inFlight) > 0 && waited.Elapsed < DrainTimeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        LogDrained(Volatile.Read(ref _inFlight), waited.Elapsed.TotalMilliseconds);
    }

    /// <summary>The middleware: lets reads through, counts writes in, refuses writes once closed.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method))
        {
            await next(context);
            return;
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            if (_closed)
            {
                context.Response.Headers.RetryAfter = "5";
                await Results.Problem(
                    title: "The engine is stopping; nothing was changed. Send the request again in a few seconds.",
                    statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
                return;
            }

            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    [LoggerMessage(LogLevel.Information, "HTTP writes stopped: {Left} still running after {Milliseconds:F0} ms of draining")]
    private partial void LogDrained(int left, double milliseconds);
}

public static class HttpWriteGateExtensions
{
    public static IApplicationBuilder UseHttpWriteGate(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var gate = app.ApplicationServices.GetService(typeof(HttpWriteGate)) as HttpWriteGate
            ?? throw new InvalidOperationException("HttpWriteGate is not registered (AddDashboard registers it).");
        return app.Use(gate.InvokeAsync);
    }
}
