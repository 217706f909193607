using System.Text.Json.Nodes;
using CityOps.DashboardHost.Auth;
using Microsoft.Extensions.Configuration;

namespace CityOps.DashboardHost.Map;

/// <summary>
/// The region boundaries of the loaded city (city → district → street → community), read once
/// at start and served to the situation map filtered to what each user may see.
/// </summary>
public sealed class CityMap(JsonArray features)
{
    public static CityMap Load(IConfiguration configuration)
    {
        var path = Path.Combine(configuration["City:Path"] ?? throw new InvalidOperationException("City:Path is not configured."), "regions.geojson");
        var document = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{path} is not a GeoJSON object.");
        var features = document["features"] as JsonArray
            ?? throw new InvalidDataException($"{path} has no features.");
        return new CityMap(features);
    }

    /// <summary>The regions inside any of the given scopes, as a GeoJSON FeatureCollection.</summary>
    public JsonObject RegionsWithin(IReadOnlyCollection<string> scopes)
    {
        var selected = new JsonArray();
        foreach (var feature in features)
        {
            var code = feature?["properties"]?["code"]?.GetValue<string>();
            if (code is not null && scopes.Any(scope => RegionScope.Contains(scope, code)))
            {
                selected.Add(feature!.DeepClone());
            }
        }

        return new JsonObject { ["type"] = "FeatureCollection", ["features"] = selected };
    }
}
