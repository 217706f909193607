using CityOps.Crypto;
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

    [Fact]
    public void In_gm_mode_the_hash_is_tagged_hmac_sm3_and_the_right_secret_verifies()
    {
        var (salt, hash) = DeviceSecretHasher.Hash("s3cret-token", CryptoMode.Gm);

        DeviceSecretHasher.AlgorithmOf(hash).Should().Be("hmac-sm3");
        DeviceSecretHasher.Verify("s3cret-token", salt, hash).Should().BeTrue();
        DeviceSecretHasher.Verify("s3cret-tokeN", salt, hash).Should().BeFalse();
    }

    /// <remarks>The expected MAC was computed by a separate implementation (Python's hmac with hashlib's SM3).</remarks>
    [Fact]
    public void A_gm_hash_is_the_hmac_sm3_of_the_secret_keyed_by_the_salt()
    {
        var salt = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        byte[] stored = [DeviceSecretHasher.Sm3Tag, .. Convert.FromHexString("c37d2aff0b82b9c025bf6d5726abd68dd97dc399acc15f34210db5151e48e48c")];

        DeviceSecretHasher.Verify("s3cret-token", salt, stored).Should().BeTrue();
    }

    [Fact]
    public void A_hash_written_before_gm_mode_still_verifies_in_gm_mode()
    {
        var (salt, hash) = DeviceSecretHasher.Hash("s3cret-token");

        DeviceSecretHasher.AlgorithmOf(hash).Should().Be("sha256");
        DeviceSecretHasher.Verify("s3cret-token", salt, hash).Should().BeTrue();
    }
}
