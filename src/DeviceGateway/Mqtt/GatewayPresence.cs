using System.Globalization;
using CityOps.Grains.Interfaces.Gateway;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// Keeps this gateway listed in the cluster's <see cref="IGatewayDirectoryGrain"/> while it runs:
/// registered once the broker listens, renewed every <see cref="IGatewayDirectoryGrain.RenewInterval"/>
/// (the directory holds observers in memory and forgets a gateway that stops renewing), and taken off
/// before the broker stops. Works alike inside a silo and in a gateway of its own that joins as a client.
/// </summary>
public sealed partial class GatewayPresence(
    IGrainFactory grains,
    GatewayEndpoint endpoint,
    IOptions<GatewayOptions> options,
    ILogger<GatewayPresence> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private IDeviceGateway? _reference;
    private Task? _renewals;

    public string GatewayId { get; } = options.Value.GatewayId is { Length: > 0 } id
        ? id
        : string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}");

    private IGatewayDirectoryGrain Directory => grains.GetGrain<IGatewayDirectoryGrain>(0);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _reference = grains.CreateObjectReference<IDeviceGateway>(endpoint);
        await Directory.Register(GatewayId, _reference).WaitAsync(cancellationToken);
        LogRegistered(GatewayId);
        _renewals = RenewAsync(_reference, _stop.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_renewals is not null)
        {
            await _renewals.WaitAsync(cancellationToken);
        }

        if (_reference is null)
        {
            return;
        }

        try
        {
            await Directory.Unregister(GatewayId).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The directory forgets this gateway when its registration lapses.
            LogUnregisterFailed(e, GatewayId);
        }

        grains.DeleteObjectReference<IDeviceGateway>(_reference);
    }

    public void Dispose() => _stop.Dispose();

    private async Task RenewAsync(IDeviceGateway reference, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(IGatewayDirectoryGrain.RenewInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await Directory.Register(GatewayId, reference).WaitAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The cluster may be between silos; the next tick tries again.
                    LogRenewFailed(e, GatewayId);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The gateway stops.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Device gateway '{GatewayId}' registered with the cluster")]
    private partial void LogRegistered(string gatewayId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device gateway '{GatewayId}' could not renew its registration")]
    private partial void LogRenewFailed(Exception exception, string gatewayId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device gateway '{GatewayId}' could not take itself off the directory")]
    private partial void LogUnregisterFailed(Exception exception, string gatewayId);
}
