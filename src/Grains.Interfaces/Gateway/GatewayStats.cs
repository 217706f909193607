namespace CityOps.Grains.Interfaces.Gateway;

/// <summary>What the device gateway has seen since it started: the API's <c>/api/gateway/stats</c>.</summary>
/// <param name="Throttled">Devices refused for flooding, with how many messages were refused.</param>
/// <param name="IntakeQueued">Readings acknowledged and not yet applied to their twins.</param>
/// <param name="Undelivered">Readings acknowledged that could not be applied to their twins (each logged).</param>
public sealed record GatewayStats(
    int ConnectedClients,
    IReadOnlyDictionary<string, long> Accepted,
    IReadOnlyDictionary<string, long> Rejected,
    IReadOnlyDictionary<string, long> Throttled,
    long Duplicates,
    int IntakeQueued,
    long Undelivered);

/// <summary>
/// The parts of a device gateway that the HTTP side needs in the same process: its statistics and
/// the power to cut a revoked device off.
/// </summary>
public interface IDeviceGatewayControl
{
    Task<GatewayStats> StatsAsync();

    /// <summary>Closes every connection the device holds; it cannot reconnect once its account is revoked.</summary>
    Task DisconnectAsync(string deviceId);
}
