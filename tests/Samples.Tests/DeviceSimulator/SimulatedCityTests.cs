using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Samples.DeviceSimulator;

namespace CityOps.Samples.Tests.DeviceSimulator;

public sealed class SimulatedCityTests : IDisposable
{
    private readonly string _cityPath = Directory.CreateTempSubdirectory("sim-city-").FullName;

    public void Dispose() => Directory.Delete(_cityPath, recursive: true);

    private static DeviceRecord Device(string id, DeviceKind kind, string cell = "C1") =>
        new(id, kind, id, [115.0, 28.6], cell, "secret", 60);

    [Fact]
    public void Select_takes_devices_round_robin_by_kind_so_a_small_selection_has_every_kind()
    {
        var devices = new[]
        {
            Device("G1", DeviceKind.Gas), Device("G2", DeviceKind.Gas), Device("G3", DeviceKind.Gas),
            Device("P1", DeviceKind.SmartPole), Device("P2", DeviceKind.SmartPole),
            Device("W1", DeviceKind.WaterLevel),
        };

        var selected = SimulatedCity.Select(devices, maxDevices: 4);

        selected.Select(d => d.Id).Should().Equal("P1", "W1", "G1", "P2");
    }

    [Fact]
    public void Select_with_zero_takes_every_device()
    {
        var devices = new[] { Device("G1", DeviceKind.Gas), Device("P1", DeviceKind.SmartPole) };

        SimulatedCity.Select(devices, maxDevices: 0).Should().HaveCount(2);
    }

    [Fact]
    public async Task Load_reads_the_low_lying_cells_from_cells_geojson()
    {
        await WriteDevicesAsync(Device("W1", DeviceKind.WaterLevel, "C1"));
        await File.WriteAllTextAsync(Path.Combine(_cityPath, "cells.geojson"), """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"code":"C1","community":"X","lowLying":true,"elevationM":12.5},"geometry":null},
              {"type":"Feature","properties":{"code":"C2","community":"X","lowLying":false,"elevationM":30},"geometry":null}
            ]}
            """);

        var city = await SimulatedCity.LoadAsync(_cityPath, CancellationToken.None);

        city.Devices.Should().ContainSingle(d => d.Id == "W1" && d.Kind == DeviceKind.WaterLevel);
        city.LowLyingCells.Should().BeEquivalentTo(["C1"]);
    }

    [Fact]
    public async Task Load_treats_no_cell_as_low_lying_when_cells_geojson_is_missing()
    {
        await WriteDevicesAsync(Device("W1", DeviceKind.WaterLevel, "C1"));

        var city = await SimulatedCity.LoadAsync(_cityPath, CancellationToken.None);

        city.LowLyingCells.Should().BeEmpty();
    }

    private Task WriteDevicesAsync(params DeviceRecord[] devices) =>
        File.WriteAllTextAsync(Path.Combine(_cityPath, "devices.json"), JsonSerializer.Serialize(devices, CityJson.Options));
}
