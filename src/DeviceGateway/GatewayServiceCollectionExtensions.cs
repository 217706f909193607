using CityOps.DeviceGateway.Mqtt;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CityOps.DeviceGateway;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>Adds the MQTT device gateway (embedded broker) and its health check named <c>mqtt</c>.</summary>
    public static IServiceCollection AddDeviceGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GatewayOptions>(configuration.GetSection(GatewayOptions.Section));
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<DeviceMessageHandler>();
        services.AddSingleton<MqttBroker>();
        services.AddSingleton<IDeviceCommandSender>(sp => sp.GetRequiredService<MqttBroker>());
        services.AddSingleton<IDeviceGatewayControl>(sp => sp.GetRequiredService<MqttBroker>());
        services.AddHostedService(sp => sp.GetRequiredService<MqttBroker>());
        services.AddHealthChecks().AddCheck<MqttBrokerHealthCheck>("mqtt");
        return services;
    }
}

/// <summary>Healthy while the broker accepts device connections.</summary>
public sealed class MqttBrokerHealthCheck(MqttBroker broker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(broker.IsRunning
            ? HealthCheckResult.Healthy("MQTT broker listening")
            : HealthCheckResult.Unhealthy("MQTT broker not running"));
}
