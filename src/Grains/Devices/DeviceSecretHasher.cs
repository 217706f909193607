using System.Security.Cryptography;
using System.Text;
using CityOps.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace CityOps.Grains.Devices;

/// <summary>
/// Hashes device secrets. Device secrets are long random tokens, not human passwords, so a
/// salted hash resists guessing as well as a slow KDF would, while letting a city of a
/// million devices register and reconnect without burning CPU on key stretching.
/// The stored hash says its algorithm: 32 bytes are the salted SHA-256 of salt ‖ secret (international mode, and
/// every hash written before 国密 mode existed); 33 bytes starting with <see cref="Sm3Tag"/> are that byte and the
/// HMAC-SM3 of the secret keyed by the salt (国密 mode). Either verifies whatever the mode is now; a secret is hashed
/// again under the current mode only when it changes.
/// </summary>
public static class DeviceSecretHasher
{
    /// <summary>The first byte of an HMAC-SM3 hash (<c>0x03</c>: SM3).</summary>
    public const byte Sm3Tag = 0x03;

    private const int SaltBytes = 16;

    public static (byte[] Salt, byte[] Hash) Hash(string secret, CryptoMode mode = CryptoMode.International)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return (salt, mode == CryptoMode.Gm ? [Sm3Tag, .. HmacSm3(salt, secret)] : Sha256(salt, secret));
    }

    public static bool Verify(string secret, byte[] salt, byte[] expectedHash)
    {
        ArgumentNullException.ThrowIfNull(expectedHash);
        return expectedHash switch
        {
            { Length: 32 } => CryptographicOperations.FixedTimeEquals(Sha256(salt, secret), expectedHash),
            [Sm3Tag, ..] and { Length: 33 } => CryptographicOperations.FixedTimeEquals(HmacSm3(salt, secret), expectedHash.AsSpan(1)),
            _ => false,
        };
    }

    /// <summary>The algorithm a stored hash was made with: <c>sha256</c> or <c>hmac-sm3</c>.</summary>
    public static string AlgorithmOf(byte[] hash) => hash is [Sm3Tag, ..] and { Length: 33 } ? "hmac-sm3" : "sha256";

    private static byte[] Sha256(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(input, 0);
        secretBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }

    private static byte[] HmacSm3(byte[] salt, string secret)
    {
        var mac = new HMac(new SM3Digest());
        mac.Init(new KeyParameter(salt));
        mac.BlockUpdate(Encoding.UTF8.GetBytes(secret));
        var result = new byte[mac.GetMacSize()];
        mac.DoFinal(result, 0);
        return result;
    }
}
