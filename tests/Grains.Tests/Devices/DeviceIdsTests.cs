using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

public class DeviceIdsTests
{
    [Theory]
    [InlineData("WL-990101-00001", true)]
    [InlineData("cam_01.ch2", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("WL 1", false)]
    [InlineData("WL/1", false)]
    [InlineData("水位-1", false)]
    public void A_device_id_is_letters_digits_dash_underscore_or_dot(string? id, bool valid) =>
        DeviceIds.IsValid(id).Should().Be(valid);

    [Fact]
    public void A_device_id_is_at_most_64_characters()
    {
        DeviceIds.IsValid(new string('a', 64)).Should().BeTrue();
        DeviceIds.IsValid(new string('a', 65)).Should().BeFalse();
    }
}
