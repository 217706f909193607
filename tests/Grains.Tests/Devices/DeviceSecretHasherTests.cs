using CityOps.Grains.Devices;

namespace CityOps.Grains.Tests.Devices;

public class DeviceSecretHasherTests
{
    [Fact]
    public void The_right_secret_verifies()
    {
        var (salt, hash) = DeviceSecretHasher.Hash("s3cret-token");

        DeviceSecretHasher.Verify("s3cret-token", salt, hash).Should().BeTrue();
    }

    [Fact]
    public void A_wrong_secret_does_not_verify()
    {
        var (salt, hash) = DeviceSecretHasher.Hash("s3cret-token");

        DeviceSecretHasher.Verify("s3cret-tokeN", salt, hash).Should().BeFalse();
    }

    [Fact]
    public void The_same_secret_hashes_differently_for_each_device()
    {
        DeviceSecretHasher.Hash("same").Hash.Should().NotEqual(DeviceSecretHasher.Hash("same").Hash);
    }
}
