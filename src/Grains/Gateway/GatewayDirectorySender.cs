using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;

namespace CityOps.Grains.Gateway;

/// <summary>
/// How a twin's command reaches its device on any silo: through the <see cref="IGatewayDirectoryGrain"/>
/// to whichever gateway holds the device's connection, in this process or another. A device that is
/// connected nowhere gets the command on the twin's next retry or not at all (the command then times
/// out), as it would on a single gateway.
/// </summary>
public sealed class GatewayDirectorySender(IGrainFactory grains) : IDeviceCommandSender
{
    public async Task SendAsync(string deviceId, DeviceCommand command, CancellationToken cancellationToken) =>
        await grains.GetGrain<IGatewayDirectoryGrain>(0).Deliver(deviceId, command).WaitAsync(cancellationToken);
}
