using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Gateway;

/// <summary>
/// The running device gateways, in memory only: a gateway registers again every
/// <see cref="IGatewayDirectoryGrain.RenewInterval"/>, so after this grain moves to another silo the
/// list is whole again within one interval. Reentrant, because it only waits on gateways and a slow
/// one must not hold up a command for another.
/// </summary>
[Orleans.Concurrency.Reentrant]
public sealed partial class GatewayDirectoryGrain(TimeProvider clock, ILogger<GatewayDirectoryGrain> logger) : Grain, IGatewayDirectoryGrain
{
    /// <summary>How long a gateway that stopped renewing stays listed: its process has died.</summary>
    private static readonly TimeSpan Lapse = IGatewayDirectoryGrain.RenewInterval * 3;

    /// <summary>A gateway that does not answer within this is passed over, so a dead one delays a command only so long.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, (IDeviceGateway Gateway, DateTimeOffset Seen)> _gateways = new(StringComparer.Ordinal);

    public Task Register(string gatewayId, IDeviceGateway gateway)
    {
        ArgumentException.ThrowIfNullOrEmpty(gatewayId);
        ArgumentNullException.ThrowIfNull(gateway);
        _gateways[gatewayId] = (gateway, clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task Unregister(string gatewayId)
    {
        _gateways.Remove(gatewayId);
        return Task.CompletedTask;
    }

    public async Task<bool> Deliver(string deviceId, DeviceCommand command)
    {
        foreach (var (gatewayId, gateway) in Live())
        {
            try
            {
                if (await gateway.Deliver(deviceId, command).WaitAsync(AnswerTimeout))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogGatewayFailed(e, gatewayId);
            }
        }

        return false;
    }

    public async Task Revoke(string deviceId)
    {
        var gateways = Live();
        var told = gateways.Select(async g =>
        {
            try
            {
                await g.Gateway.Revoke(deviceId).WaitAsync(AnswerTimeout);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Its periodic revocation check (Mqtt:RevocationCheckInterval) still cuts the device off.
                LogGatewayFailed(e, g.Id);
            }
        });
        await Task.WhenAll(told);
    }

    public async Task<IReadOnlyDictionary<string, GatewayStats>> Stats()
    {
        var answers = await Task.WhenAll(Live().Select(async g =>
        {
            try
            {
                return (g.Id, Stats: (GatewayStats?)await g.Gateway.Stats().WaitAsync(AnswerTimeout));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogGatewayFailed(e, g.Id);
                return (g.Id, Stats: null);
            }
        }));
        return answers.Where(a => a.Stats is not null).ToDictionary(a => a.Id, a => a.Stats!, StringComparer.Ordinal);
    }

    /// <summary>The gateways still renewing, in id order so that every silo offers a command in the same order.</summary>
    private List<(string Id, IDeviceGateway Gateway)> Live()
    {
        var now = clock.GetUtcNow();
        foreach (var lapsed in _gateways.Where(g => now - g.Value.Seen > Lapse).Select(g => g.Key).ToList())
        {
            _gateways.Remove(lapsed);
            LogLapsed(lapsed);
        }

        return [.. _gateways.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Value.Gateway))];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device gateway '{GatewayId}' did not answer")]
    private partial void LogGatewayFailed(Exception exception, string gatewayId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device gateway '{GatewayId}' stopped renewing its registration and is forgotten")]
    private partial void LogLapsed(string gatewayId);
}
