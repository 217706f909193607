using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Samples.CityGenerator;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace CityOps.Samples.Tests.CityGenerator;

/// <summary>A feature of regions.geojson or cells.geojson, read back the way a consumer reads it.</summary>
public sealed record CityFeature(IAttributesTable Properties, Geometry Geometry)
{
    public string Text(string name) => (string)Properties[name];

    public string? OptionalText(string name) => Properties[name] as string;
}

/// <summary>
/// A small city generated into a temporary folder and read back from its files, so the tests
/// check what the engine will load rather than the generator's memory.
/// </summary>
public sealed class GeneratedCity : IDisposable
{
    public const int Seed = 7;
    public const int Cells = 1_500;
    public const int Devices = 900;

    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    public GeneratedCity()
    {
        Directory = Path.Combine(Path.GetTempPath(), "citygen-" + Path.GetRandomFileName());
        var options = new GeneratorOptions(Seed, Devices, Cells, Directory);
        Layout = CityWriter.WriteCity(options).Layout;
        Regions = ReadFeatures(CityWriter.RegionsFile);
        CellFeatures = ReadFeatures(CityWriter.CellsFile);
        DeviceRecords = Read<DeviceRecord[]>(CityWriter.DevicesFile);
        Categories = Read<CatalogueCategory[]>(CityWriter.CatalogueFile);
        Departments = Read<DepartmentRecord[]>(CityWriter.DepartmentsFile);
        Responsibilities = Read<ResponsibilityRecord[]>(CityWriter.ResponsibilitiesFile);
        Users = Read<UserRecord[]>(CityWriter.UsersFile);
        Basemap = ReadFeatures(CityWriter.BasemapFile);
    }

    /// <summary>Roads, water, parks and buildings of basemap.geojson.</summary>
    public IReadOnlyList<CityFeature> Basemap { get; }

    public string Directory { get; }

    public CityLayout Layout { get; }

    public IReadOnlyList<CityFeature> Regions { get; }

    public IReadOnlyList<CityFeature> CellFeatures { get; }

    public IReadOnlyList<DeviceRecord> DeviceRecords { get; }

    public IReadOnlyList<CatalogueCategory> Categories { get; }

    public IReadOnlyList<DepartmentRecord> Departments { get; }

    public IReadOnlyList<ResponsibilityRecord> Responsibilities { get; }

    public IReadOnlyList<UserRecord> Users { get; }

    public IEnumerable<CityFeature> Level(string level) => Regions.Where(region => region.Text("level") == level);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private CityFeature[] ReadFeatures(string file)
    {
        var collection = JsonSerializer.Deserialize<FeatureCollection>(File.ReadAllText(Path.Combine(Directory, file)), GeoJson)!;
        return [.. collection.Select(feature => new CityFeature(feature.Attributes, feature.Geometry))];
    }

    private T Read<T>(string file) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(Directory, file)), CityJson.Options)!;
}
