using System.Text.Json;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>The sample city's unit cells as plain boxes, for picking test points and knowing the answer.</summary>
public static class SampleGrid
{
    public sealed record Box(string Code, double West, double South, double East, double North)
    {
        public double[] Centre => [(West + East) / 2, (South + North) / 2];

        public bool Covers(double lon, double lat) => lon >= West && lon <= East && lat >= South && lat <= North;
    }

    public static IReadOnlyList<Box> Cells { get; } = Load();

    public static Box Cell(string code) => Cells.Single(c => c.Code == code);

    /// <summary>The code followed by its regions' codes up to the city (codes nest by 4/2/3/3/4 digits).</summary>
    public static string[] ChainOf(string cellCode) => [cellCode[..12], cellCode[..9], cellCode[..6], cellCode[..4]];

    private static List<Box> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Engine.CityPath, "cells.geojson")));
        return [.. document.RootElement.GetProperty("features").EnumerateArray().Select(f =>
        {
            var ring = f.GetProperty("geometry").GetProperty("coordinates")[0].EnumerateArray().Select(p => (Lon: p[0].GetDouble(), Lat: p[1].GetDouble())).ToList();
            return new Box(f.GetProperty("properties").GetProperty("code").GetString()!, ring.Min(p => p.Lon), ring.Min(p => p.Lat), ring.Max(p => p.Lon), ring.Max(p => p.Lat));
        })];
    }
}
