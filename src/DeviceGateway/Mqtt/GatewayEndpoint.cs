using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// This process's gateway as the cluster sees it (<see cref="IDeviceGateway"/>): commands for devices
/// connected to its broker, or every command when it publishes to an external broker that all devices
/// listen on; commands for GB/T 28181 channels whose device registered with this gateway's access point; revocations; statistics.
/// </summary>
public sealed class GatewayEndpoint(MqttBroker broker, ExternalBrokerBridge? bridge = null, Sip.SipAccessPoint? sip = null, Sip.GbMessages? gb = null) : IDeviceGateway
{
    public async Task<bool> Deliver(string deviceId, DeviceCommand command)
    {
        // A GB/T 28181 channel is reached through the device that registered it here over SIP.
        if (sip?.Directory.FindByChannel(deviceId) is { } registration && gb is not null)
        {
            return await gb.DeliverAsync(registration, deviceId, command);
        }

        if (bridge is not null)
        {
            await bridge.SendAsync(deviceId, command, CancellationToken.None);
            return true;
        }

        if (!broker.Holds(deviceId))
        {
            return false;
        }

        await broker.SendAsync(deviceId, command, CancellationToken.None);
        return true;
    }

    public Task Revoke(string deviceId) => broker.DisconnectAsync(deviceId);

    public Task<GatewayStats> Stats() => broker.StatsAsync();
}
