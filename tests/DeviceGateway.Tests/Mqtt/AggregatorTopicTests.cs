using CityOps.DeviceGateway.Mqtt;

namespace CityOps.DeviceGateway.Tests.Mqtt;

public class AggregatorTopicTests
{
    [Fact]
    public void An_aggregator_topic_names_the_gateway()
    {
        AggregatorTopic.TryParse("city", "city/gw/GW-NBIOT-01/telemetry", out var gatewayId).Should().BeTrue();
        gatewayId.Should().Be("GW-NBIOT-01");
        AggregatorTopic.Format("city", gatewayId).Should().Be("city/gw/GW-NBIOT-01/telemetry");
    }

    [Theory]
    [InlineData("town/gw/GW-1/telemetry")]
    [InlineData("city/gw//telemetry")]
    [InlineData("city/gw/GW-1/status")]
    [InlineData("city/gw/telemetry")]
    [InlineData("city/gw/GW-1/telemetry/extra")]
    [InlineData("city/GW-1/telemetry")]
    public void Other_topics_are_not_aggregator_topics(string topic)
    {
        AggregatorTopic.TryParse("city", topic, out _).Should().BeFalse();
    }
}
