using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Interfaces.Gateway;

/// <summary>
/// A running device gateway as the cluster reaches it: an Orleans observer that each gateway
/// process (inside a silo or on its own as a cluster client) registers with the
/// <see cref="IGatewayDirectoryGrain"/>, so that a command or a revocation reaches the gateway that
/// holds the device's connection wherever it runs (docs/architecture.md, Processes).
/// </summary>
public interface IDeviceGateway : IGrainObserver
{
    /// <summary>
    /// Sends the command to the device when this gateway holds its connection (or publishes to an
    /// external broker every device listens on); false when the device is not connected here.
    /// </summary>
    Task<bool> Deliver(string deviceId, DeviceCommand command);

    /// <summary>Closes every connection of a revoked device here and refuses its messages from now on.</summary>
    Task Revoke(string deviceId);

    Task<GatewayStats> Stats();
}

/// <summary>
/// The cluster's list of running device gateways (one activation, key 0). Gateways register at start
/// and renew every <see cref="RenewInterval"/>; one that stops renewing for three intervals (its process
/// died) is forgotten. Only commands, revocations and statistics pass through it, never telemetry.
/// </summary>
public interface IGatewayDirectoryGrain : IGrainWithIntegerKey
{
    static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(20);

    Task Register(string gatewayId, IDeviceGateway gateway);

    Task Unregister(string gatewayId);

    /// <summary>Offers the command to the gateways in turn until one delivers it; false when none holds the device.</summary>
    Task<bool> Deliver(string deviceId, DeviceCommand command);

    /// <summary>Tells every gateway that the device is revoked.</summary>
    Task Revoke(string deviceId);

    /// <summary>Each registered gateway's statistics, by gateway id; a gateway that does not answer is left out.</summary>
    Task<IReadOnlyDictionary<string, GatewayStats>> Stats();
}
