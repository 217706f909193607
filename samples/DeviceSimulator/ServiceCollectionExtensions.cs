using System.Net;
using CityOps.Samples.DeviceSimulator.Gb28181;
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

        // The city's GB/T 28181 recorders, when this process runs the access point (Sip:Enabled, and a gateway:
        // Mqtt:Enabled), on its port (Sip:Port).
        var sip = configuration.GetSection("Sip");
        if (sip.GetValue<bool>("Enabled") && configuration.GetValue("Mqtt:Enabled", true) && configuration["City:Path"] is { } city)
        {
            var bind = sip["BindAddress"] is { Length: > 0 } address && address != "0.0.0.0" ? IPAddress.Parse(address) : IPAddress.Loopback;
            services.AddSingleton(new Gb28181SimulatorSettings(
                section["CityPath"] ?? city,
                new IPEndPoint(bind, sip.GetValue("Port", 5060)),
                sip["ServerId"] ?? "34020000002000000001",
                sip.GetValue("KeepaliveInterval", TimeSpan.FromSeconds(60))));
            services.AddHostedService<Gb28181SimulatorService>();
        }

        return services;
    }
}
