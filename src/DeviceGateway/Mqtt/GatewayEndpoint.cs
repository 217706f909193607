using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// This process's gateway as the cluster sees it (<see cref="IDeviceGateway"/>): commands for devices
/// connected to its broker, or every command when it publishes to an external broker that all devices
/// listen on; revocations; statistics.
/// </summary>
public sealed class GatewayEndpoint(MqttBroker broker, ExternalBrokerBridge? bridge = null) : IDeviceGateway
{
    public async Task<bool> Deliver(string deviceId, DeviceCommand command)
    {
        if (bridge is not null)
        {
            await bridge.SendAsync(deviceId, command, CancellationToken.None);
            return true;
        }

        if (!await broker.HoldsAsync(deviceId))
        {
            return false;
        }

        await broker.SendAsync(deviceId, command, CancellationToken.None);
        return true;
    }

    public Task Revoke(string deviceId) => broker.DisconnectAsync(deviceId);

    public Task<GatewayStats> Stats() => broker.StatsAsync();
}
