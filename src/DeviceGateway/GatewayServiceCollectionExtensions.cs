using CityOps.DeviceGateway.Mqtt;
using CityOps.DeviceGateway.Sip;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the MQTT device gateway: the embedded broker with its health check named <c>mqtt</c> and, when
    /// <c>Mqtt:External:Enabled</c>, the bridge from an external broker with its health check named
    /// <c>mqtt-external</c>; downlink commands then go out through the external broker. The gateway lists itself in
    /// the cluster's gateway directory, through which commands and revocations reach it from any silo.
    /// </summary>
    public static IServiceCollection AddDeviceGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<GatewayOptions>(configuration.GetSection(GatewayOptions.Section));
        var external = configuration.GetSection(ExternalBrokerOptions.Section);
        services.AddOptions<ExternalBrokerOptions>().Bind(external).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExternalBrokerOptions>, ExternalBrokerOptionsValidator>();
        services.AddSingleton<GatewayMetrics>();

        // Before the broker and the bridge, so that it stops after them: what they acknowledged is delivered.
        services.AddSingleton<TelemetryIntake>();
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryIntake>());
        services.AddSingleton<DeviceMessageHandler>();
        services.AddSingleton<DeviceDirectory>();
        services.AddSingleton<FloodRegistry>();
        services.AddSingleton<DeviceAdmission>();
        services.AddSingleton<AggregatorHandler>();
        services.AddSingleton<MqttBroker>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttBroker>());
        services.AddHealthChecks().AddCheck<MqttBrokerHealthCheck>("mqtt");
        var sip = configuration.GetSection(SipOptions.Section);
        services.Configure<SipOptions>(sip);
        var sipEnabled = sip.GetValue<bool>(nameof(SipOptions.Enabled));
        if (sipEnabled)
        {
            services.AddSingleton<GbDirectory>();
            services.AddSingleton<GbRequests>();
            services.AddSingleton<GbChannelRegistrar>();
            services.AddSingleton<GbMessages>();
            services.AddSingleton<SipAccessPoint>();
            services.AddSingleton<SipTransport>();
            services.AddHostedService(sp => sp.GetRequiredService<SipTransport>());
            services.AddHostedService<SipRegistrationSweep>();
            services.AddHealthChecks().AddCheck<SipHealthCheck>("sip");
        }

        if (external.GetValue<bool>(nameof(ExternalBrokerOptions.Enabled)))
        {
            services.AddSingleton<ExternalBrokerBridge>();
            services.AddHostedService(sp => sp.GetRequiredService<ExternalBrokerBridge>());
            services.AddHealthChecks().AddCheck<ExternalBrokerHealthCheck>("mqtt-external");
            services.AddSingleton(sp => new GatewayEndpoint(sp.GetRequiredService<MqttBroker>(), sp.GetRequiredService<ExternalBrokerBridge>(), sp.GetService<SipAccessPoint>(), sp.GetService<GbMessages>()));
        }
        else
        {
            services.AddSingleton(sp => new GatewayEndpoint(sp.GetRequiredService<MqttBroker>(), null, sp.GetService<SipAccessPoint>(), sp.GetService<GbMessages>()));
        }

        // After the broker and the bridge, so that it stops first: the cluster stops sending here before they close.
        // Commands and revocations reach this gateway through it (IGatewayDirectoryGrain), from any silo.
        services.AddSingleton<GatewayPresence>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayPresence>());
        return services;
    }
}

/// <summary>Healthy while the GB/T 28181 access point listens.</summary>
public sealed class SipHealthCheck(SipTransport transport) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(transport.IsRunning
            ? HealthCheckResult.Healthy($"SIP listening on {transport.UdpPort}")
            : HealthCheckResult.Unhealthy("SIP access point not running"));
}

/// <summary>Healthy while the broker accepts device connections.</summary>
public sealed class MqttBrokerHealthCheck(MqttBroker broker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(broker.IsRunning
            ? HealthCheckResult.Healthy("MQTT broker listening")
            : HealthCheckResult.Unhealthy("MQTT broker not running"));
}

/// <summary>Healthy while the bridge is connected to the external broker and subscribed to the devices' topics.</summary>
public sealed class ExternalBrokerHealthCheck(ExternalBrokerBridge bridge) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(bridge.IsConnected
            ? HealthCheckResult.Healthy($"Connected to {bridge.Broker} as {bridge.ClientId}")
            : HealthCheckResult.Unhealthy($"Not connected to {bridge.Broker}"));
}
