using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using CityOps.Grains.Interfaces.City;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace CityOps.Samples.CityGenerator;

/// <summary>A generated city and the files written for it.</summary>
public sealed record WrittenCity(CityLayout Layout, IReadOnlyList<FileInfo> Files);

/// <summary>
/// Writes the city files. Large arrays are written one compact record per line: the files stay
/// small, diffs stay readable, and devices stream so a million of them never sit in memory.
/// </summary>
public static class CityWriter
{
    public const string RegionsFile = "regions.geojson";
    public const string CellsFile = "cells.geojson";
    public const string DevicesFile = "devices.json";

    /// <summary>The sample GB/T 28181 recorders' channels, for the simulator (<see cref="GbRecorders"/>).</summary>
    public const string Gb28181File = "gb28181.json";
    public const string DepartmentsFile = "departments.json";
    public const string CatalogueFile = "catalogue.json";
    public const string ResponsibilitiesFile = "responsibilities.json";
    public const string UsersFile = "users.json";
    public const string BasemapFile = "basemap.geojson";

    /// <summary>Chinese stays readable instead of \u-escaped; HTML-sensitive characters are still escaped.</summary>
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    private static readonly JsonWriterOptions CompactWriter = new() { Encoder = Encoder };

    /// <summary>The engine's conventions (<see cref="CityJson.Options"/>), indented for the hand-editable files.</summary>
    private static readonly JsonSerializerOptions Indented = new(CityJson.Options) { Encoder = Encoder, WriteIndented = true, NewLine = "\n" };

    private static readonly JsonSerializerOptions GeoJson = new()
    {
        Converters = { new GeoJsonConverterFactory(false, GeoJsonConverterFactory.DefaultIdPropertyName, RingOrientationOption.EnforceRfc9746) },
    };

    /// <summary>Generates the city described by <paramref name="options"/> and writes all its files.</summary>
    public static WrittenCity WriteCity(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layout = CityLayout.Generate(options.Seed, options.Cells);

        // Devices draw from their own generator so the device stream does not echo the layout's.
        var devices = new DevicePlacement(layout, unchecked(options.Seed + 1)).Place(options.Devices);

        // GB/T 28181 recorders likewise, after the other devices, so those are the same with or without them.
        var (recorders, channels) = GbRecorders.Place(layout, unchecked(options.Seed + 2));
        return new WrittenCity(layout, Write(layout, devices.Concat(recorders), options.OutputDirectory, Basemap.Draw(layout, options.Seed), channels));
    }

    /// <param name="basemap">Roads, water, parks and buildings for <see cref="BasemapFile"/>; none are written without.</param>
    /// <param name="recorders">The GB/T 28181 recorders' channels for <see cref="Gb28181File"/>; not written without.</param>
    public static IReadOnlyList<FileInfo> Write(
        CityLayout layout, IEnumerable<DeviceRecord> devices, string directory, IReadOnlyList<BasemapFeature>? basemap = null, IReadOnlyList<GbRecorderRecord>? recorders = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(devices);
        Directory.CreateDirectory(directory);
        string PathOf(string file) => Path.Combine(directory, file);

        WriteFeatures(PathOf(RegionsFile), layout.Regions, (writer, region) => WriteRegion(writer, region));
        WriteFeatures(PathOf(CellsFile), layout.CellsInCodeOrder, (writer, cell) => WriteCell(writer, layout, cell));
        WriteLines(PathOf(DevicesFile), "["u8, devices, (writer, device) => JsonSerializer.Serialize(writer, device, CityJson.Options), "]"u8);
        WriteIndented(PathOf(DepartmentsFile), CatalogueData.Departments);
        WriteIndented(PathOf(CatalogueFile), CatalogueData.Categories);
        WriteIndented(PathOf(ResponsibilitiesFile), CatalogueData.Responsibilities);
        WriteIndented(PathOf(UsersFile), CatalogueData.Users(layout));
        string[] written = [RegionsFile, CellsFile, DevicesFile, DepartmentsFile, CatalogueFile, ResponsibilitiesFile, UsersFile];
        if (basemap is not null)
        {
            WriteFeatures(PathOf(BasemapFile), basemap, WriteBasemapFeature);
            written = [.. written, BasemapFile];
        }

        if (recorders is not null)
        {
            WriteIndented(PathOf(Gb28181File), recorders);
            written = [.. written, Gb28181File];
        }

        return [.. written.Select(file => new FileInfo(PathOf(file)))];
    }

    private static string LevelName(RegionLevel level) => level switch
    {
        RegionLevel.City => "city",
        RegionLevel.District => "district",
        RegionLevel.Street => "street",
        RegionLevel.Community => "community",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };

    private static void WriteRegion(Utf8JsonWriter writer, Region region) =>
        WriteFeature(writer, region.Boundary, properties =>
        {
            properties.WriteString("code", region.Code);
            properties.WriteString("name", region.Name);
            properties.WriteString("nameEn", region.NameEn);
            properties.WriteString("level", LevelName(region.Level));
            properties.WriteString("parent", region.Parent);
        });

    private static void WriteCell(Utf8JsonWriter writer, CityLayout layout, int cell) =>
        WriteFeature(writer, layout.CellPolygon(cell), properties =>
        {
            properties.WriteString("code", layout.CellCode(cell));
            properties.WriteString("community", layout.CommunityCode(cell));
            properties.WriteBoolean("lowLying", layout.Terrain.LowLying[cell]);
            properties.WriteNumber("elevationM", layout.Terrain.ElevationM[cell]);
            properties.WriteBoolean("river", layout.Terrain.River[cell]);
        });

    private static void WriteBasemapFeature(Utf8JsonWriter writer, BasemapFeature feature) =>
        WriteFeature(writer, feature.Geometry, properties =>
        {
            properties.WriteString("layer", feature.Layer);
            properties.WriteString("class", feature.Class);
            if (feature.Name is not null)
            {
                properties.WriteString("name", feature.Name);
            }
        });

    private static void WriteFeature(Utf8JsonWriter writer, Geometry geometry, Action<Utf8JsonWriter> writeProperties)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Feature");
        writer.WriteStartObject("properties");
        writeProperties(writer);
        writer.WriteEndObject();
        writer.WritePropertyName("geometry");
        JsonSerializer.Serialize(writer, geometry, GeoJson);
        writer.WriteEndObject();
    }

    private static void WriteFeatures<T>(string path, IEnumerable<T> items, Action<Utf8JsonWriter, T> write) =>
        WriteLines(path, """{"type":"FeatureCollection","features":["""u8, items, write, "]}"u8);

    /// <summary>Writes <c>open</c>, then each item as one compact JSON line, comma-separated, then <c>close</c>.</summary>
    private static void WriteLines<T>(string path, ReadOnlySpan<byte> open, IEnumerable<T> items, Action<Utf8JsonWriter, T> write, ReadOnlySpan<byte> close)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, CompactWriter);
        stream.Write(open);
        var separator = "\n"u8;
        foreach (var item in items)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            write(writer, item);
            writer.Flush();
            stream.Write(separator);
            stream.Write(buffer.WrittenSpan);
            separator = ",\n"u8;
        }

        stream.Write("\n"u8);
        stream.Write(close);
        stream.Write("\n"u8);
    }

    private static void WriteIndented<T>(string path, T value)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        JsonSerializer.Serialize(stream, value, Indented);
        stream.Write("\n"u8);
    }
}
