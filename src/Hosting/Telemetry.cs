using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace CityOps.Hosting;

/// <summary>
/// Exports the engine's metrics with OpenTelemetry: a Prometheus scrape endpoint at <c>/metrics</c>
/// (<c>Telemetry:Prometheus</c>, on by default) and, when <c>Telemetry:OtlpEndpoint</c> names a
/// collector, OTLP; the .NET runtime's own metrics with them unless <c>Telemetry:RuntimeMetrics</c> is false.
/// </summary>
public static class Telemetry
{
    /// <param name="meters">The meters of the parts this program runs (gateway, twins, hub); Orleans', ASP.NET Core's and the .NET runtime's are always added.</param>
    public static WebApplicationBuilder AddCityTelemetry(this WebApplicationBuilder builder, params string[] meters)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var prometheus = builder.Configuration.GetValue("Telemetry:Prometheus", true);
        var otlp = builder.Configuration["Telemetry:OtlpEndpoint"];
        var runtime = builder.Configuration.GetValue("Telemetry:RuntimeMetrics", true);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter([.. meters, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting"]);

            // The collector's pauses, heap sizes and allocation rate, the thread pool's queue (docs/operations.md). The
            // runtime's meter is one per process, so a process hosting several engines (a test run) turns it off.
            if (runtime)
            {
                metrics.AddMeter("System.Runtime");
            }

            if (prometheus)
            {
                metrics.AddPrometheusExporter();
            }

            if (!string.IsNullOrWhiteSpace(otlp))
            {
                metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            }
        });
        return builder;
    }

    public static WebApplication MapCityTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Configuration.GetValue("Telemetry:Prometheus", true))
        {
            // Scrapers carry no user token; the figures are counts, not city data.
            app.MapPrometheusScrapingEndpoint().AllowAnonymous();
        }

        return app;
    }
}
