using System.Security.Cryptography;
using System.Text;

namespace CityOps.Grains.Devices;

/// <summary>
/// Hashes device secrets. Device secrets are long random tokens, not human passwords, so a
/// salted SHA-256 resists guessing as well as a slow KDF would, while letting a city of a
/// million devices register and reconnect without burning CPU on key stretching.
/// </summary>
public static class DeviceSecretHasher
{
    private const int SaltBytes = 16;

    public static (byte[] Salt, byte[] Hash) Hash(string secret)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return (salt, Compute(salt, secret));
    }

    public static bool Verify(string secret, byte[] salt, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Compute(salt, secret), expectedHash);

    private static byte[] Compute(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(input, 0);
        secretBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }
}
