namespace CityOps.Grains.Interfaces.Gateway;

/// <summary>What the device gateway has seen since it started: the API's <c>/api/gateway/stats</c>.</summary>
/// <param name="Throttled">Devices refused for flooding, with how many messages were refused.</param>
/// <param name="IntakeQueued">Readings acknowledged and not yet applied to their twins.</param>
/// <param name="Undelivered">Readings acknowledged that could not be applied to their twins (each logged).</param>
[GenerateSerializer, Immutable]
public sealed record GatewayStats(
    [property: Id(0)] int ConnectedClients,
    [property: Id(1)] IReadOnlyDictionary<string, long> Accepted,
    [property: Id(2)] IReadOnlyDictionary<string, long> Rejected,
    [property: Id(3)] IReadOnlyDictionary<string, long> Throttled,
    [property: Id(4)] long Duplicates,
    [property: Id(5)] int IntakeQueued,
    [property: Id(6)] long Undelivered)
{
    /// <summary>The figures of several gateways as one: counts added, per-kind and per-device tallies merged.</summary>
    public static GatewayStats Sum(IEnumerable<GatewayStats> gateways)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        var all = gateways.ToList();
        return new GatewayStats(
            all.Sum(g => g.ConnectedClients),
            Merge(all.Select(g => g.Accepted)),
            Merge(all.Select(g => g.Rejected)),
            Merge(all.Select(g => g.Throttled)),
            all.Sum(g => g.Duplicates),
            all.Sum(g => g.IntakeQueued),
            all.Sum(g => g.Undelivered));
    }

    private static SortedDictionary<string, long> Merge(IEnumerable<IReadOnlyDictionary<string, long>> tallies)
    {
        var sum = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, count) in tallies.SelectMany(t => t))
        {
            sum[key] = sum.GetValueOrDefault(key) + count;
        }

        return sum;
    }
}

