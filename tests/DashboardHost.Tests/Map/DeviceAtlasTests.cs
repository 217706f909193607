using CityOps.DashboardHost.Map.Devices;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.DashboardHost.Tests.Map;

public class DeviceAtlasTests
{
    [Fact]
    public void A_device_shows_its_worst_active_alarm()
    {
        var status = new DeviceCellStatus("WL-1", DeviceKind.WaterLevel, Online: true, [AlarmSeverity.Minor, AlarmSeverity.Critical, AlarmSeverity.Major]);

        DeviceAtlas.StateOf(status).Should().Be(MarkState.Critical);
    }

    [Fact]
    public void A_device_without_alarms_is_normal_online_and_offline_otherwise()
    {
        DeviceAtlas.StateOf(new DeviceCellStatus("WL-1", DeviceKind.WaterLevel, Online: true, [])).Should().Be(MarkState.Normal);
        DeviceAtlas.StateOf(new DeviceCellStatus("WL-1", DeviceKind.WaterLevel, Online: false, [])).Should().Be(MarkState.Offline);
    }

    [Fact]
    public void An_offline_device_with_an_alarm_shows_the_alarm()
    {
        DeviceAtlas.StateOf(new DeviceCellStatus("WL-1", DeviceKind.WaterLevel, Online: false, [AlarmSeverity.Major])).Should().Be(MarkState.Major);
    }
}
