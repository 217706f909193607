using CityOps.DeviceGateway.Mqtt.Transport;

namespace CityOps.DeviceGateway.Tests.Mqtt.Transport;

public class KeepAliveBoundsTests
{
    [Theory]
    [InlineData(0, 900)]
    [InlineData(1, 5)]
    [InlineData(60, 60)]
    [InlineData(65535, 900)]
    public void A_keep_alive_is_held_within_the_bounds_and_none_becomes_the_ceiling(int requested, int held)
    {
        new KeepAliveBounds(5, 900).Apply((ushort)requested).Should().Be((ushort)held);
    }
}
