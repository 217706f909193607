using CityOps.DeviceGateway.Mqtt;

namespace CityOps.DeviceGateway.Tests.Mqtt;

public class DeviceTopicTests
{
    [Theory]
    [InlineData("city/WL-1/telemetry", "WL-1", DeviceChannel.Telemetry)]
    [InlineData("city/WL-1/status", "WL-1", DeviceChannel.Status)]
    [InlineData("city/POLE-7/alarm", "POLE-7", DeviceChannel.Alarm)]
    [InlineData("city/99010200001320000001/detections", "99010200001320000001", DeviceChannel.Detections)]
    [InlineData("city/POLE-7/commands/ack", "POLE-7", DeviceChannel.CommandAck)]
    public void Device_topics_name_the_device_and_the_channel(string topic, string deviceId, DeviceChannel channel)
    {
        DeviceTopic.TryParse("city", topic, out var parsed).Should().BeTrue();
        parsed.Should().Be(new DeviceTopic(deviceId, channel));
    }

    [Theory]
    [InlineData("town/WL-1/telemetry")]
    [InlineData("city//telemetry")]
    [InlineData("city/WL-1")]
    [InlineData("city/WL-1/telemetry/extra")]
    [InlineData("city/WL-1/unknown")]
    [InlineData("city/WL-1/commands/nack")]
    public void Other_topics_are_not_device_topics(string topic)
    {
        DeviceTopic.TryParse("city", topic, out _).Should().BeFalse();
    }

    [Fact]
    public void Formatting_and_parsing_agree()
    {
        var topic = DeviceTopic.Format("city", "MH-3", DeviceChannel.CommandAck);

        topic.Should().Be("city/MH-3/commands/ack");
        DeviceTopic.TryParse("city", topic, out var parsed).Should().BeTrue();
        parsed.Channel.Should().Be(DeviceChannel.CommandAck);
    }
}
