using System.Text;
using System.Text.Json;
using CityOps.DeviceGateway;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Users;
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
    IGrainFactory grains,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = PrintAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task PrintAsync()
    {
        try
        {
            await PrintCoreAsync();
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Could not print the start-up banner");
        }
    }

    private async Task PrintCoreAsync()
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

        text.AppendLine(settings.RunsGateway
            ? $"  MQTT           mqtt://localhost:{mqtt.Value.Port}  (topics {mqtt.Value.TopicRoot}/{{deviceId}}/…)"
            : "  MQTT           none in this silo (Mqtt:Enabled is false): devices connect to the gateways");
        text.AppendLine($"  City           {settings.CityPath}");
        text.AppendLine($"  Data           {settings.DataPath}");
        // Demo passwords are printed only while nobody but this machine can use them, and only those still in force.
        var users = settings.PrintDemoSignIns && urls.All(HttpEndpoints.IsLoopback) ? await StillInitialAsync(ReadDemoUsers()) : [];
        if (users.Count > 0)
        {
            text.AppendLine("  Demo sign-ins (sample data only, loopback only: reset them in /console/users before listening on the network):");
            foreach (var user in users)
            {
                text.AppendLine($"    {user.Username,-24} {user.Password,-16} {string.Join(',', user.Roles)}");
            }
        }

        logger.LogInformation("{Banner}", text.ToString());
    }

    private async Task<List<UserRecord>> StillInitialAsync(List<UserRecord> users)
    {
        var views = await Task.WhenAll(users.Select(u => grains.GetGrain<IUserAccountGrain>(u.Username).Get()));
        return [.. users.Where((_, i) => views[i] is { InitialPassword: true, Disabled: false })];
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
