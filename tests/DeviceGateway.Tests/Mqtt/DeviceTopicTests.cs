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
    [InlineData("city/WL-1/telemetry/")]
    [InlineData("cityx/WL-1/telemetry")]
    [InlineData("city")]
    public void Other_topics_are_not_device_topics(string topic)
    {
        DeviceTopic.TryParse("city", topic, out _).Should().BeFalse();
    }

    [Fact]
    public void A_topic_naming_the_connections_device_carries_that_devices_id()
    {
        var known = "WL-1";

        DeviceTopic.TryParse("city", "city/WL-1/telemetry", out var parsed, known).Should().BeTrue();

        parsed.DeviceId.Should().BeSameAs(known);
    }

    [Fact]
    public void A_topic_naming_another_device_carries_the_other_devices_id()
    {
        DeviceTopic.TryParse("city", "city/WL-2/telemetry", out var parsed, "WL-1").Should().BeTrue();

        parsed.DeviceId.Should().Be("WL-2");
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
