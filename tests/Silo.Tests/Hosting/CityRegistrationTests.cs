using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Silo.Tests.Events;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>
/// A city's devices are registered in bulk at the first start (registry shards and grid cells), with no account
/// or twin of their own until they speak; a changed city file is imported again; a restart keeps everything.
/// </summary>
public class CityRegistrationTests
{
    [Fact]
    public async Task A_seeded_device_authenticates_and_publishes_though_no_account_or_twin_of_its_own_was_ever_stored()
    {
        await using var engine = await Engine.StartAsync();
        StoredRows(engine, "deviceAccount").Should().Be(0);
        StoredRows(engine, "device").Should().Be(0);
        var device = Engine.Device(DeviceKind.WaterLevel, 5);

        await PublishAsync(engine, device, 4.5);

        var twin = await engine.GetDeviceAsync(device.Id, await engine.TokenAsync("operator"));
        twin.GetProperty("values").GetProperty("waterLevelCm").GetDouble().Should().Be(4.5);
        twin.GetProperty("online").GetBoolean().Should().BeTrue();
        twin.GetProperty("name").GetString().Should().Be(device.Name);
    }

    [Fact]
    public async Task Right_after_registration_every_cell_counts_its_devices_all_offline()
    {
        await using var engine = await Engine.StartAsync();
        var grains = engine.Services.GetRequiredService<IGrainFactory>();

        foreach (var cell in Engine.Devices.GroupBy(d => d.CellCode).Take(40))
        {
            var situation = await grains.GetGrain<IGridCellGrain>(cell.Key).GetSituation();
            situation.Counts.Devices.Should().Be(cell.Count(), "cell {0} holds that many devices in devices.json", cell.Key);
            situation.Counts.DevicesOnline.Should().Be(0);
            (await grains.GetGrain<IGridCellGrain>(cell.Key).GetDevices()).Select(d => d.DeviceId)
                .Should().BeEquivalentTo(cell.Select(d => d.Id));
        }
    }

    [Fact]
    public async Task A_changed_city_file_is_imported_again_moving_devices_out_of_their_old_cells()
    {
        var city = CopyOfSampleCity();
        await using var engine = await Engine.StartAsync(new Dictionary<string, string?> { ["City:Path"] = city });
        var grains = engine.Services.GetRequiredService<IGrainFactory>();
        var heard = Engine.Device(DeviceKind.WaterLevel, 7);
        var silent = Engine.Device(DeviceKind.Hydrant, 3);
        var (heardTo, silentTo) = (OtherCell(heard.CellCode), OtherCell(silent.CellCode));
        await PublishAsync(engine, heard, 2.5);
        await engine.StopAsync();

        Rewrite(city, d => d.Id == heard.Id ? d with { CellCode = heardTo, Name = "迁移的积水点" }
            : d.Id == silent.Id ? d with { CellCode = silentTo } : d);
        await engine.StartAgainAsync();
        grains = engine.Services.GetRequiredService<IGrainFactory>();

        var token = await engine.TokenAsync("operator");
        var twin = await engine.GetDeviceAsync(heard.Id, token);
        twin.GetProperty("cellCode").GetString().Should().Be(heardTo);
        twin.GetProperty("name").GetString().Should().Be("迁移的积水点");
        twin.GetProperty("values").GetProperty("waterLevelCm").GetDouble().Should().Be(2.5);
        (await engine.GetDeviceAsync(silent.Id, token)).GetProperty("cellCode").GetString().Should().Be(silentTo);
        (await grains.GetGrain<IGridCellGrain>(heard.CellCode).GetDevices()).Should().NotContain(d => d.DeviceId == heard.Id);
        (await grains.GetGrain<IGridCellGrain>(silent.CellCode).GetDevices()).Should().NotContain(d => d.DeviceId == silent.Id);
        (await grains.GetGrain<IGridCellGrain>(heardTo).GetDevices()).Should().ContainSingle(d => d.DeviceId == heard.Id).Which.Online.Should().BeTrue();
        (await grains.GetGrain<IGridCellGrain>(silentTo).GetDevices()).Should().ContainSingle(d => d.DeviceId == silent.Id).Which.Online.Should().BeFalse();
    }

    [Fact]
    public async Task A_restart_of_a_seeded_city_keeps_its_devices_counts_and_readings()
    {
        await using var engine = await Engine.StartAsync();
        var device = Engine.Device(DeviceKind.Manhole, 4);
        await PublishAsync(engine, device, 1.5, metric: "tiltDeg");
        var before = await CitySituationAsync(engine, device.CellCode);
        await engine.StopAsync();

        await engine.StartAgainAsync();

        (await CitySituationAsync(engine, device.CellCode)).Should().Be(before);
        StoredRows(engine, "deviceRegistry").Should().BeGreaterThan(0);
        await PublishAsync(engine, device, 2.0, metric: "tiltDeg");
        var twin = await engine.GetDeviceAsync(device.Id, await engine.TokenAsync("operator"));
        twin.GetProperty("values").GetProperty("tiltDeg").GetDouble().Should().Be(2.0);
    }

    /// <summary>The device's cell: its devices and how many are online.</summary>
    private static async Task<(int Devices, int Online)> CitySituationAsync(Engine engine, string cell)
    {
        var situation = await engine.Services.GetRequiredService<IGrainFactory>().GetGrain<IGridCellGrain>(cell).GetSituation();
        return (situation.Counts.Devices, situation.Counts.DevicesOnline);
    }

    private static async Task PublishAsync(Engine engine, DeviceRecord device, double value, string metric = "waterLevelCm")
    {
        using var client = await engine.ConnectDeviceAsync(device);
        var result = await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"city/{device.Id}/telemetry")
            .WithPayload(JsonSerializer.Serialize(new { values = new Dictionary<string, double> { [metric] = value } }))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        result.IsSuccess.Should().BeTrue();
        await client.DisconnectAsync();
        await CaseClient.EventuallyAsync(async () =>
            (await engine.GetDeviceAsync(device.Id, await engine.TokenAsync("operator"))).GetProperty("values").TryGetProperty(metric, out var v)
            && v.GetDouble() == value);
    }

    /// <summary>Rows of one state name in the engine's SQLite file, read beside the running engine.</summary>
    private static long StoredRows(Engine engine, string stateName)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(engine.DataPath, "cityops.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM OrleansStorage WHERE GrainTypeString = $name AND PayloadBinary IS NOT NULL";
        command.Parameters.AddWithValue("$name", stateName);
        return (long)command.ExecuteScalar()!;
    }

    private static string OtherCell(string cell) =>
        Engine.Devices.Select(d => d.CellCode).First(c => c != cell && c[..12] == cell[..12]);

    private static string CopyOfSampleCity()
    {
        var copy = Path.Combine(Path.GetTempPath(), "cityops-city-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(Engine.CityPath))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    private static void Rewrite(string city, Func<DeviceRecord, DeviceRecord> change)
    {
        var path = Path.Combine(city, "devices.json");
        var devices = JsonSerializer.Deserialize<DeviceRecord[]>(File.ReadAllBytes(path), CityJson.Options)!;
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(devices.Select(change).ToArray(), CityJson.Options));
    }
}
