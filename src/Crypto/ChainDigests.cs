using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace CityOps.Crypto;

/// <summary>A hash being computed over bytes appended to it.</summary>
public interface IChainDigest : IDisposable
{
    void Append(ReadOnlySpan<byte> data);

    /// <summary>The hash of everything appended.</summary>
    byte[] Finish();
}

/// <summary>
/// The hash algorithms of hash chains and evidence digests, by the names entries record: <c>sha256</c> (FIPS 180-4) and
/// <c>sm3</c> (GM/T 0004-2012). Both give 32 bytes, written as 64 lowercase hex digits.
/// </summary>
public static class ChainDigests
{
    public const string Sha256 = "sha256";
    public const string Sm3 = "sm3";

    /// <summary>The algorithm of an entry that records none: everything written before entries recorded theirs.</summary>
    public const string Default = Sha256;

    public static bool IsKnown(string? name) => name is Sha256 or Sm3;

    /// <exception cref="ArgumentException">An algorithm the engine does not know.</exception>
    public static IChainDigest Create(string? name) => (name ?? Default) switch
    {
        Sha256 => new Sha256Digest(),
        Sm3 => new Sm3ChainDigest(),
        _ => throw new ArgumentException($"Unknown hash algorithm '{name}'; the engine knows {Sha256} and {Sm3}.", nameof(name)),
    };

    public static byte[] Hash(string? name, ReadOnlySpan<byte> data)
    {
        using var digest = Create(name);
        digest.Append(data);
        return digest.Finish();
    }

    public static string HashHex(string? name, ReadOnlySpan<byte> data) => Convert.ToHexStringLower(Hash(name, data));

    private sealed class Sha256Digest : IChainDigest
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);

        public byte[] Finish() => _hash.GetHashAndReset();

        public void Dispose() => _hash.Dispose();
    }

    private sealed class Sm3ChainDigest : IChainDigest
    {
        private readonly SM3Digest _digest = new();

        public void Append(ReadOnlySpan<byte> data) => _digest.BlockUpdate(data);

        public byte[] Finish()
        {
            var result = new byte[_digest.GetDigestSize()];
            _digest.DoFinal(result, 0);
            return result;
        }

        public void Dispose()
        {
        }
    }
}
