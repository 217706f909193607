using Microsoft.Extensions.Hosting;

namespace CityOps.DeviceGateway.Sip;

/// <summary>
/// Drops the GB/T 28181 registrations that expired or whose keepalives stopped, once a second. The twins need nothing from
/// it: their silence watch takes the channels offline, as for a silent MQTT device; the sweep only stops commands going to
/// an address that no longer answers.
/// </summary>
public sealed class SipRegistrationSweep(SipAccessPoint accessPoint, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                accessPoint.Sweep();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
