using System.Text;
using CityOps.DeviceGateway.Sip;
using CityOps.Sip;

namespace CityOps.DeviceGateway.Tests.Sip;

public sealed class GbAlarmsTests
{
    private static ManscdpDocument Alarm(string inner) =>
        Manscdp.Read(Encoding.UTF8.GetBytes($"<Notify><CmdType>Alarm</CmdType><SN>1</SN><DeviceID>34020000001310000001</DeviceID>{inner}</Notify>"), new SipLimits()).Value!;

    [Fact]
    public void A_description_naming_a_camera_detection_kind_is_that_detection()
    {
        GbAlarms.DetectionKind(Alarm("<AlarmMethod>5</AlarmMethod><AlarmDescription>illegal_parking</AlarmDescription>")).Should().Be("illegal_parking");
    }

    [Fact]
    public void A_video_density_alarm_is_crowding()
    {
        GbAlarms.DetectionKind(Alarm("<AlarmMethod>5</AlarmMethod><Info><AlarmType>10</AlarmType></Info>")).Should().Be("crowding");
    }

    [Theory]
    [InlineData("<AlarmMethod>2</AlarmMethod><Info><AlarmType>1</AlarmType></Info>")]
    [InlineData("<AlarmMethod>5</AlarmMethod><AlarmDescription>sos</AlarmDescription>")]
    [InlineData("<AlarmMethod>5</AlarmMethod><Info><AlarmType>2</AlarmType></Info>")]
    public void Other_alarms_map_to_no_detection(string inner)
    {
        GbAlarms.DetectionKind(Alarm(inner)).Should().BeNull();
    }

    [Theory]
    [InlineData("<Confidence>0.91</Confidence>", 0.91)]
    [InlineData("<Confidence>7</Confidence>", null)]
    [InlineData("", null)]
    public void A_confidence_is_read_when_it_is_a_share(string inner, double? expected)
    {
        GbAlarms.Confidence(Alarm(inner)).Should().Be(expected);
    }
}
