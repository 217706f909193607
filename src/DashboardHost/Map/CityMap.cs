using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Grid;
using CityOps.Grid;

namespace CityOps.DashboardHost.Map;

/// <summary>
/// The region boundaries (city → district → street → community) of the grid in force, served to
/// the situation map filtered to what each user may see. Follows the grid registry, so an imported
/// grid shows without a restart.
/// </summary>
public sealed class CityMap(GridRegistry registry)
{
    private readonly ConditionalWeakTable<GridModel, List<(string Code, JsonObject Feature)>> _features = [];

    /// <summary>The regions inside any of the given scopes, as a GeoJSON FeatureCollection.</summary>
    public JsonObject RegionsWithin(IReadOnlyCollection<string> scopes)
    {
        var selected = new JsonArray();
        foreach (var (code, feature) in _features.GetValue(registry.Current, Build))
        {
            if (scopes.Any(scope => RegionScope.Contains(scope, code)))
            {
                selected.Add(feature.DeepClone());
            }
        }

        return new JsonObject { ["type"] = "FeatureCollection", ["features"] = selected };
    }

    private static List<(string, JsonObject)> Build(GridModel model) =>
        [.. model.Regions.OrderBy(r => r.Code.Length).ThenBy(r => r.Code, StringComparer.Ordinal).Select(r => (r.Code, new JsonObject
        {
            ["type"] = "Feature",
            ["properties"] = new JsonObject
            {
                ["code"] = r.Code,
                ["name"] = r.Name,
                ["nameEn"] = r.NameEn,
                ["level"] = r.Level.ToString().ToLowerInvariant(),
                ["parent"] = r.Parent,
            },
            ["geometry"] = JsonSerializer.SerializeToNode(r.Geometry, GridJson.Options),
        }))];
}
