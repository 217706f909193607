using BenchmarkDotNet.Attributes;
using CityOps.DashboardHost.Situation;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Situation;

namespace CityOps.Benchmarks;

/// <summary>
/// The situation hub keeps one buffer per connected client: each district batch from the feed is
/// offered to every client's buffer, and each client's send loop takes a frame from it every 250 ms.
/// A batch of 100 changed devices of one street, offered and taken as a frame, for a street view
/// (shows every device) and a district view (shows only the ten devices with alarms).
/// </summary>
[MemoryDiagnoser]
public class SituationBufferBenchmarks
{
    private const string District = "990101";
    private const string Street = "990101001";

    private readonly SituationBuffer _street = new(Street, allDevices: true, maxAlarms: 200, showsEvent: _ => true);
    private readonly SituationBuffer _district = new(District, allDevices: false, maxAlarms: 200, showsEvent: _ => true);
    private SituationChanges _changes = null!;
    private long _seq;

    [GlobalSetup]
    public void Setup()
    {
        var at = new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);
        var devices = new DeviceSituation[100];
        for (var i = 0; i < devices.Length; i++)
        {
            var alarmed = i % 10 == 0;
            var level = alarmed ? 18.5 + i / 10.0 : 3.5 + i % 7;
            IReadOnlyList<DeviceAlarm> alarms = alarmed ? [new DeviceAlarm("waterlogging", AlarmSeverity.Major, at.AddMinutes(-3), "waterLevelCm", level)] : [];
            devices[i] = new DeviceSituation(
                $"WL-990101-{i + 1:D5}",
                DeviceKind.WaterLevel,
                $"新华路积水监测 {i + 1}",
                114.331298 + i * 0.0001,
                27.60876 + i * 0.00005,
                $"{Street}004{i % 40:D4}",
                Online: true,
                at.AddSeconds(-i),
                new Dictionary<string, double>(StringComparer.Ordinal) { ["waterLevelCm"] = level, ["batteryPct"] = 87 },
                alarms,
                AlarmsChanged: false);
        }

        _changes = new SituationChanges(District, devices, [], [], [], 0);
        if (!_street.Offer(_changes) || _street.TakeDelta(1) is not { Devices.Count: 100 }
            || !_district.Offer(_changes) || _district.TakeDelta(1) is not { Devices.Count: 10 })
        {
            throw new InvalidOperationException("The benchmark buffers must take the batch.");
        }
    }

    [Benchmark(Description = "SituationBuffer Offer 100 + TakeDelta (street, all devices)")]
    public SituationFrame? StreetFrame()
    {
        _street.Offer(_changes);
        return _street.TakeDelta(++_seq);
    }

    [Benchmark(Description = "SituationBuffer Offer 100 + TakeDelta (district, alarmed only)")]
    public SituationFrame? DistrictFrame()
    {
        _district.Offer(_changes);
        return _district.TakeDelta(++_seq);
    }
}
