using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Samples.DeviceSimulator;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the device simulator when <c>Simulator:Enabled</c> is true (the default). Unset options fall back to
    /// the engine's own settings: the broker port to <c>Mqtt:Port</c>, the topic root to <c>Mqtt:TopicRoot</c> and the
    /// city folder to <c>City:Path</c>.
    /// </summary>
    public static IServiceCollection AddDeviceSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SimulatorOptions.SectionName);
        if (!section.GetValue(nameof(SimulatorOptions.Enabled), defaultValue: true))
        {
            return services;
        }

        services.AddOptions<SimulatorOptions>()
            .Bind(section)
            .PostConfigure(options =>
            {
                options.Port ??= configuration.GetValue<int?>("Mqtt:Port") ?? DeviceSimulatorService.DefaultMqttPort;
                options.TopicRoot ??= configuration["Mqtt:TopicRoot"] ?? DeviceSimulatorService.DefaultTopicRoot;
                options.CityPath ??= configuration["City:Path"];
            });
        services.AddHostedService<DeviceSimulatorService>();
        return services;
    }
}
