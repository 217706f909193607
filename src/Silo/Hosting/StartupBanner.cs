using System.Text;
using System.Text.Json;
using CityOps.DeviceGateway;
using CityOps.Grains.Interfaces.City;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CityOps.Silo.Hosting;

/// <summary>
/// Once the engine is up, prints where to reach it and, for the sample city, the demo sign-ins,
/// so a newcomer can use it without reading any file.
/// </summary>
public sealed class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IOptions<GatewayOptions> mqtt,
    EngineSettings settings,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        var urls = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var http = urls.Select(u => u.Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal)).ToList();
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("City operations engine is running (" + settings.Profile.ToString().ToLowerInvariant() + " profile)");
        foreach (var url in http)
        {
            text.AppendLine($"  Big screen     {url}/");
            text.AppendLine($"  Console        {url}/console");
            text.AppendLine($"  Health         {url}/health");
            text.AppendLine($"  API document   {url}/openapi/v1.json");
        }

        text.AppendLine($"  MQTT           mqtt://localhost:{mqtt.Value.Port}  (topics {mqtt.Value.TopicRoot}/{{deviceId}}/…)");
        text.AppendLine($"  City           {settings.CityPath}");
        text.AppendLine($"  Data           {settings.DataPath}");
        var users = settings.PrintDemoSignIns ? ReadDemoUsers() : [];
        if (users.Count > 0)
        {
            text.AppendLine("  Demo sign-ins (sample data only: change them before real use):");
            foreach (var user in users)
            {
                text.AppendLine($"    {user.Username,-24} {user.Password,-16} {string.Join(',', user.Roles)}");
            }
        }

        logger.LogInformation("{Banner}", text.ToString());
    }

    private List<UserRecord> ReadDemoUsers()
    {
        try
        {
            var json = File.ReadAllText(Path.Combine(settings.CityPath, "users.json"));
            return JsonSerializer.Deserialize<List<UserRecord>>(json, CityJson.Options) ?? [];
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            logger.LogWarning(ex, "Could not read the demo users");
            return [];
        }
    }
}
