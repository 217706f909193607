using System.Net;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityOps.Samples.DeviceSimulator.Gb28181;

/// <summary>Where the simulated recorders find the access point, and how often they keep alive.</summary>
public sealed record Gb28181SimulatorSettings(string CityPath, IPEndPoint Server, string ServerId, TimeSpan KeepaliveInterval);

/// <summary>
/// Plays the sample city's GB/T 28181 recorders (<c>devices.json</c> kind <c>nvr</c>, channels from <c>gb28181.json</c>)
/// against the engine's access point over UDP: each registers with its digest, keeps alive and answers the platform.
/// </summary>
public sealed partial class Gb28181SimulatorService(Gb28181SimulatorSettings settings, ILogger<Gb28181SimulatorService> logger) : BackgroundService
{
    public const string ChannelsFile = "gb28181.json";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channelsPath = Path.Combine(settings.CityPath, ChannelsFile);
        if (!File.Exists(channelsPath))
        {
            return;
        }

        List<SimulatedNvr> recorders;
        try
        {
            var devices = JsonSerializer.Deserialize<DeviceRecord[]>(await File.ReadAllBytesAsync(Path.Combine(settings.CityPath, SimulatedCity.DevicesFile), stoppingToken), CityJson.Options) ?? [];
            var channels = JsonSerializer.Deserialize<GbRecorderRecord[]>(await File.ReadAllBytesAsync(channelsPath, stoppingToken), CityJson.Options) ?? [];
            var secrets = devices.Where(d => d.Kind == DeviceKind.Nvr).ToDictionary(d => d.Id, d => d.Secret, StringComparer.Ordinal);
            recorders = [.. channels.Where(c => secrets.ContainsKey(c.Id)).Select(c => new SimulatedNvr(c, secrets[c.Id], settings.Server, "UDP", settings.ServerId))];
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            LogUnreadable(e, channelsPath);
            return;
        }

        LogSimulating(recorders.Count, recorders.Sum(r => r.Recorder.Channels.Length), settings.Server.ToString());
        try
        {
            await Task.WhenAll(recorders.Select(r => r.RunAsync(settings.KeepaliveInterval, stoppingToken)));
        }
        finally
        {
            foreach (var recorder in recorders)
            {
                await recorder.DisposeAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating {Count} GB/T 28181 recorders with {Channels} channels against sip:{Server}")]
    private partial void LogSimulating(int count, int channels, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GB/T 28181 simulator: cannot read {Path}; not simulating recorders")]
    private partial void LogUnreadable(Exception exception, string path);
}
