using CityOps.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CityOps.DeviceGateway;

/// <summary>
/// The device gateway as a program of its own (<c>dotnet run --project src/DeviceGateway</c>): the MQTT
/// broker, joined to the cluster as an Orleans client (<see cref="ClusterClient"/>), with <c>/health</c>
/// and <c>/metrics</c> on <c>Http:Urls</c> (default <see cref="DefaultUrls"/>). Commands and revocations
/// reach it from any silo through the gateway directory. In the embedded profile it joins the engine
/// running on this machine, so it needs an MQTT port of its own (<c>--Mqtt:Port=1884</c>).
/// </summary>
public static class GatewayProgram
{
    public const string DefaultUrls = "http://localhost:5081";

    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        ProgramDefaults.Apply(builder, DefaultUrls);
        configure?.Invoke(builder.Configuration);

        HttpEndpoints.Configure(builder);
        builder.UseOrleansClient(client => client.UseCityCluster(builder.Configuration));

        // The intake delivers what it acknowledged before the process ends (TelemetryIntake.StopAsync).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(1));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddDeviceGateway(builder.Configuration);
        builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo");
        builder.AddCityTelemetry(GatewayMetrics.MeterName);

        var app = builder.Build();
        app.MapHealth();
        app.MapCityTelemetry();
        return app;
    }
}
