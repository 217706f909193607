namespace CityOps.Grains.Interfaces.Gateway;

/// <summary>
/// An aggregator's account (an NB-IoT or LoRa platform that forwards many devices' telemetry in one
/// message on <c>{root}/gw/{gatewayId}/telemetry</c>), keyed by gateway id: its secret, kept hashed,
/// and the regions it may forward readings for.
/// </summary>
public interface IAggregatorAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers the aggregator, or updates its secret and regions; a repeat with the same secret and
    /// regions writes nothing. Region codes nest by prefix, so a district's code covers all its cells.
    /// </summary>
    Task EnsureRegistered(string secret, IReadOnlyList<string> regions);

    /// <summary>Whether the secret is the aggregator's; false for an unknown aggregator.</summary>
    ValueTask<bool> Authenticate(string secret);

    /// <summary>The region codes the aggregator may forward for, or null when no such aggregator is registered.</summary>
    ValueTask<IReadOnlyList<string>?> GetRegions();
}
