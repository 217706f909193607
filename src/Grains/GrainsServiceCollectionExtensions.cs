using CityOps.Crypto;
using CityOps.Grains.Devices;
using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CityOps.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Adds what the grains need from their host: the device twins' options and thresholds
    /// (sections <c>Devices</c>, <c>Rules</c> and <c>Detections</c>), the city's catalogue (<c>City:Path</c>) and how intake treats duplicates (<c>Events</c>). A rule that cannot work stops the start with its location.
    /// </summary>
    public static IServiceCollection AddCityGrains(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var rules = RuleSet.From(configuration.GetSection(RuleSet.Section));
        var problems = rules.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid threshold rules:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        services.AddSingleton(rules);
        services.AddSingleton<CityOps.Grains.Interfaces.Devices.IAlarmThresholds>(rules);
        services.Configure<DeviceTwinOptions>(configuration.GetSection(DeviceTwinOptions.Section));
        services.AddOptions<DetectionOptions>().Bind(configuration.GetSection(DetectionOptions.Section))
            .Validate(o => !o.Problems().Any(), "Invalid detection settings (Detections): a MinConfidence outside [0, 1] or a negative Window.").ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<TwinSweep>();
        services.AddSingleton<SilenceWatch>();
        services.AddSingleton<PendingWrites>();
        services.AddSingleton<Situation.SituationOutbox>();
        services.AddSingleton<DeviceMetrics>();
        services.AddSingleton<DeviceTwinServices>();
        services.AddSingleton<CityOps.Grains.Interfaces.Devices.ProfileParts>();

        // Commands go to whichever gateway holds the device, wherever it runs (a test may put its own sender after this one).
        services.AddSingleton<CityOps.Grains.Interfaces.Devices.IDeviceCommandSender, Gateway.GatewayDirectorySender>();
        services.TryAddSingleton(_ => CityCatalogue.Load(configuration["City:Path"] ?? throw new InvalidOperationException("City:Path is not configured.")));
        services.AddOptions<EventOptions>().Bind(configuration.GetSection(EventOptions.Section))
            .Validate(o => o.KpiRetentionDays >= 1, $"{CityDays.KpiRetentionSetting} must be at least 1.").ValidateOnStart();
        // Crypto:Mode decides the hash of new audit entries and device secrets (docs/security.md, 国密).
        services.TryAddSingleton(CryptoSettings.From(configuration));
        services.TryAddSingleton(new Audit.CheckpointKey(configuration));
        services.AddSingleton<EventServices>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
