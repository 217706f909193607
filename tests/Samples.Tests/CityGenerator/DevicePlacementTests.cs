using System.Text.RegularExpressions;
using CityOps.Grains.Interfaces.City;
using CityOps.Samples.CityGenerator;
using NetTopologySuite.Geometries;

namespace CityOps.Samples.Tests.CityGenerator;

public sealed partial class DevicePlacementTests(GeneratedCity city) : IClassFixture<GeneratedCity>
{
    [Fact]
    public void The_requested_number_of_devices_is_written_beside_one_gb_recorder_per_district()
    {
        city.DeviceRecords.Where(device => device.Kind != DeviceKind.Nvr).Should().HaveCount(GeneratedCity.Devices);
        city.DeviceRecords.Count(device => device.Kind == DeviceKind.Nvr).Should().Be(CityLayout.DistrictCount);
    }

    [Fact]
    public void Every_device_lies_inside_its_cells_polygon()
    {
        var cells = city.CellFeatures.ToDictionary(cell => cell.Text("code"), cell => cell.Geometry);

        foreach (var device in city.DeviceRecords)
        {
            cells.Should().ContainKey(device.CellCode);
            var point = new Point(device.Location[0], device.Location[1]);
            cells[device.CellCode].Contains(point).Should().BeTrue($"{device.Id} at {point} is in cell {device.CellCode}");
        }
    }

    [Fact]
    public void Device_ids_are_unique() =>
        city.DeviceRecords.Select(device => device.Id).Should().OnlyHaveUniqueItems();

    [Fact]
    public void Camera_ids_are_20_digit_gb28181_channel_codes_of_their_district() =>
        city.DeviceRecords.Where(device => device.Kind == DeviceKind.Camera).Should().NotBeEmpty().And.OnlyContain(device =>
            device.Id.Length == 20 && device.Id.All(char.IsAsciiDigit)
            && device.Id.StartsWith(DistrictCode(device), StringComparison.Ordinal)
            && device.Id.Substring(10, 3) == "132");

    [Fact]
    public void Pan_tilt_cameras_list_presets_from_one_and_fixed_cameras_list_none()
    {
        var presets = city.DeviceRecords.Where(device => device.Kind == DeviceKind.Camera).Select(device => device.Video!.Presets).ToList();

        presets.Should().OnlyContain(p => p != null && (p.Length == 0 || (p.Length >= 3 && p.Length <= 8 && p.SequenceEqual(Enumerable.Range(1, p.Length)))));
        presets.Should().Contain(p => p!.Length == 0).And.Contain(p => p!.Length > 0);
    }

    [Fact]
    public void Other_device_ids_name_their_kind_and_district() =>
        city.DeviceRecords.Where(device => device.Kind is not (DeviceKind.Camera or DeviceKind.Nvr)).Should().OnlyContain(device =>
            ReadableId().IsMatch(device.Id)
            && device.Id.StartsWith(DevicePlacement.Plans.Single(plan => plan.Kind == device.Kind).IdPrefix + "-", StringComparison.Ordinal)
            && device.Id.Contains("-" + DistrictCode(device) + "-", StringComparison.Ordinal));

    [Fact]
    public void Device_names_are_chinese_and_start_with_the_district_name()
    {
        var districtNames = city.Level("district").ToDictionary(region => region.Text("code"), region => region.Text("name"));

        city.DeviceRecords.Should().OnlyContain(device => device.Name.StartsWith(districtNames[DistrictCode(device)], StringComparison.Ordinal));
    }

    [Fact]
    public void Secrets_are_24_url_safe_characters() =>
        city.DeviceRecords.Should().OnlyContain(device => UrlSafeSecret().IsMatch(device.Secret));

    [Theory]
    [InlineData(DeviceKind.SmartPole, 60)]
    [InlineData(DeviceKind.Camera, 120)]
    [InlineData(DeviceKind.AirQuality, 60)]
    [InlineData(DeviceKind.Noise, 60)]
    [InlineData(DeviceKind.RainGauge, 300)]
    [InlineData(DeviceKind.WaterLevel, 600)]
    [InlineData(DeviceKind.Manhole, 900)]
    [InlineData(DeviceKind.Gas, 300)]
    [InlineData(DeviceKind.Hydrant, 900)]
    public void Each_kind_reports_at_its_expected_interval(DeviceKind kind, int seconds) =>
        city.DeviceRecords.Where(device => device.Kind == kind).Should().NotBeEmpty()
            .And.OnlyContain(device => device.ExpectedIntervalSeconds == seconds);

    [Fact]
    public void Most_water_level_gauges_stand_in_low_lying_cells()
    {
        var lowLying = city.CellFeatures.Where(cell => (bool)cell.Properties["lowLying"]).Select(cell => cell.Text("code")).ToHashSet();
        var gauges = city.DeviceRecords.Where(device => device.Kind == DeviceKind.WaterLevel).ToList();

        gauges.Count(gauge => lowLying.Contains(gauge.CellCode)).Should().BeGreaterThan(gauges.Count * 7 / 10);
    }

    [Fact]
    public void Smart_poles_stand_on_main_streets()
    {
        var cellIndex = city.Layout.CellsInCodeOrder.ToDictionary(city.Layout.CellCode);

        city.DeviceRecords.Where(device => device.Kind == DeviceKind.SmartPole).Should().OnlyContain(pole =>
            city.Layout.Roads.Axis[cellIndex[pole.CellCode]] != RoadAxis.None);
    }

    [Fact]
    public void No_device_stands_in_the_river()
    {
        var river = city.CellFeatures.Where(cell => (bool)cell.Properties["river"]).Select(cell => cell.Text("code")).ToHashSet();

        city.DeviceRecords.Should().NotContain(device => river.Contains(device.CellCode));
    }

    [Fact]
    public void The_default_mix_is_kept_in_proportion_for_any_total()
    {
        DevicePlacement.CountsFor(DevicePlacement.DefaultTotal).Should().Equal(DevicePlacement.Plans.Select(plan => plan.DefaultCount));
        DevicePlacement.CountsFor(1_000_003).Sum().Should().Be(1_000_003);
        DevicePlacement.CountsFor(7).Sum().Should().Be(7);
    }

    [Fact]
    public void Enumerating_the_placement_twice_yields_the_same_devices()
    {
        var devices = new DevicePlacement(city.Layout, 11).Place(200);

        devices.Select(device => (device.Id, device.Secret, device.Location[0], device.Location[1]))
            .Should().Equal(devices.Select(device => (device.Id, device.Secret, device.Location[0], device.Location[1])));
    }

    private static string DistrictCode(DeviceRecord device) => device.CellCode[..6];

    [GeneratedRegex("^(POLE|WL|MH|GAS|AQ|NS|RG|HY)-[0-9]{6}-[0-9]{5,}$")]
    private static partial Regex ReadableId();

    [GeneratedRegex("^[A-Za-z0-9_-]{24}$")]
    private static partial Regex UrlSafeSecret();
}
