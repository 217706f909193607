using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityOps.Samples.LoadGen;

/// <summary>A device of <c>devices.json</c>, only what the load needs.</summary>
public sealed record BenchDevice(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("secret")] string Secret,
    [property: JsonPropertyName("cellCode")] string CellCode);

/// <summary>An aggregator of <c>gateways.json</c>.</summary>
public sealed record BenchGateway(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("secret")] string Secret,
    [property: JsonPropertyName("regions")] string[] Regions)
{
    /// <summary>Region codes nest by prefix: a gateway forwards for the devices whose cell lies in one of its regions.</summary>
    public bool Covers(BenchDevice device) => Regions.Any(r => device.CellCode.StartsWith(r, StringComparison.Ordinal));
}

/// <summary>A generated city folder, read as far as the load needs it.</summary>
public sealed class CityFolder
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    private CityFolder(IReadOnlyList<BenchDevice> devices, IReadOnlyList<BenchGateway> gateways)
    {
        Devices = devices;
        Gateways = gateways;
    }

    public IReadOnlyList<BenchDevice> Devices { get; }

    public IReadOnlyList<BenchGateway> Gateways { get; }

    public static async Task<CityFolder> ReadAsync(string folder, CancellationToken cancellationToken)
    {
        var devicesPath = Path.Combine(folder, "devices.json");
        if (!File.Exists(devicesPath))
        {
            throw new FileNotFoundException($"{devicesPath} does not exist: --city must be a folder made by the city generator.", devicesPath);
        }

        var devices = new List<BenchDevice>();
        await using (var stream = File.OpenRead(devicesPath))
        {
            await foreach (var device in JsonSerializer.DeserializeAsyncEnumerable<BenchDevice>(stream, Json, cancellationToken))
            {
                if (device is { Id.Length: > 0, Secret.Length: > 0, CellCode.Length: > 0 })
                {
                    devices.Add(device);
                }
            }
        }

        var gatewaysPath = Path.Combine(folder, "gateways.json");
        var gateways = File.Exists(gatewaysPath)
            ? JsonSerializer.Deserialize<BenchGateway[]>(await File.ReadAllBytesAsync(gatewaysPath, cancellationToken), Json) ?? []
            : [];
        return new CityFolder(devices, gateways);
    }

    /// <summary>The street (9-digit region code) holding most of <paramref name="devices"/>; ties go to the lower code.</summary>
    public static string? BusiestStreet(IEnumerable<BenchDevice> devices) => devices
        .Where(d => d.CellCode.Length >= 9)
        .GroupBy(d => d.CellCode[..9], StringComparer.Ordinal)
        .OrderByDescending(g => g.Count())
        .ThenBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => g.Key)
        .FirstOrDefault();

    /// <summary>
    /// The devices an aggregator forwards for: those in its regions, leaving out the ones on their own connections
    /// (<paramref name="ownCount"/> first devices) so that the two paths never write the same twin; when its regions
    /// hold no other device, those too. At most <paramref name="limit"/> of them, unless it is 0.
    /// </summary>
    public IReadOnlyList<BenchDevice> DevicesFor(BenchGateway gateway, int ownCount, int limit = 0)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var others = Devices.Skip(ownCount).Where(gateway.Covers).ToList();
        var devices = others.Count > 0 ? others : [.. Devices.Take(ownCount).Where(gateway.Covers)];
        return limit > 0 && devices.Count > limit ? devices[..limit] : devices;
    }
}
