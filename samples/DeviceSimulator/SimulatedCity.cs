using System.Text.Json;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Samples.DeviceSimulator;

/// <summary>The parts of a city folder the simulator needs: its devices and which grid cells are low-lying.</summary>
public sealed class SimulatedCity(IReadOnlyList<DeviceRecord> devices, IReadOnlySet<string> lowLyingCells)
{
    public const string DevicesFile = "devices.json";
    public const string CellsFile = "cells.geojson";

    public IReadOnlyList<DeviceRecord> Devices { get; } = devices;

    public IReadOnlySet<string> LowLyingCells { get; } = lowLyingCells;

    /// <summary>Reads <c>devices.json</c> (required) and <c>cells.geojson</c> (optional: without it no cell is low-lying).</summary>
    public static async Task<SimulatedCity> LoadAsync(string cityPath, CancellationToken cancellationToken)
    {
        DeviceRecord[] devices;
        await using (var stream = File.OpenRead(Path.Combine(cityPath, DevicesFile)))
        {
            devices = await JsonSerializer.DeserializeAsync<DeviceRecord[]>(stream, CityJson.Options, cancellationToken) ?? [];
        }

        var cellsPath = Path.Combine(cityPath, CellsFile);
        if (!File.Exists(cellsPath))
        {
            return new SimulatedCity(devices, new HashSet<string>());
        }

        await using var cells = File.OpenRead(cellsPath);
        using var geoJson = await JsonDocument.ParseAsync(cells, cancellationToken: cancellationToken);
        return new SimulatedCity(devices, ReadLowLyingCells(geoJson.RootElement));
    }

    /// <summary>
    /// The first <paramref name="maxDevices"/> MQTT devices (0 = all), taken round-robin by kind so that even a small
    /// selection has every kind; within a kind the file order is kept, so the choice is the same every run.
    /// </summary>
    public static IReadOnlyList<DeviceRecord> Select(IReadOnlyList<DeviceRecord> devices, int maxDevices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        // GB/T 28181 recorders speak SIP, not MQTT: Gb28181SimulatorService plays them.
        devices = [.. devices.Where(d => d.Kind != DeviceKind.Nvr)];
        var limit = maxDevices <= 0 ? devices.Count : Math.Min(maxDevices, devices.Count);
        var queues = devices.GroupBy(d => d.Kind).OrderBy(g => g.Key).Select(g => new Queue<DeviceRecord>(g)).ToList();
        var selected = new List<DeviceRecord>(limit);
        while (selected.Count < limit)
        {
            foreach (var queue in queues)
            {
                if (selected.Count < limit && queue.TryDequeue(out var device))
                {
                    selected.Add(device);
                }
            }
        }

        return selected;
    }

    private static HashSet<string> ReadLowLyingCells(JsonElement featureCollection)
    {
        var lowLying = new HashSet<string>(StringComparer.Ordinal);
        if (!featureCollection.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
        {
            return lowLying;
        }

        foreach (var feature in features.EnumerateArray())
        {
            if (feature.TryGetProperty("properties", out var properties)
                && properties.ValueKind == JsonValueKind.Object
                && properties.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                && properties.TryGetProperty("lowLying", out var flag) && flag.ValueKind == JsonValueKind.True)
            {
                lowLying.Add(code.GetString()!);
            }
        }

        return lowLying;
    }
}
