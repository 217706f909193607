using Microsoft.Extensions.Configuration;

namespace CityOps.Crypto;

/// <summary>Which cryptography the engine uses for what it writes from now on (<c>Crypto:Mode</c>).</summary>
public enum CryptoMode
{
    /// <summary>SHA-256 hash chains and digests, evidence stored as uploaded (the default).</summary>
    International,

    /// <summary>国密: SM3 hash chains and digests, SM4-GCM evidence at rest, SM3-based device secret hashes.</summary>
    Gm,
}

/// <summary>
/// The one place that reads <c>Crypto:Mode</c> (<c>international</c> or <c>gm</c>). The mode decides only what is
/// written from now on: whatever was written under the other mode records its algorithm and still verifies or reads.
/// </summary>
public sealed record CryptoSettings(CryptoMode Mode)
{
    public const string ModeSetting = "Crypto:Mode";

    public static CryptoSettings International { get; } = new(CryptoMode.International);

    public static CryptoSettings Gm { get; } = new(CryptoMode.Gm);

    /// <summary>The algorithm new hash chain entries and evidence digests use.</summary>
    public string ChainDigest => Mode == CryptoMode.Gm ? ChainDigests.Sm3 : ChainDigests.Sha256;

    public static CryptoSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Parse(configuration[ModeSetting]);
    }

    /// <exception cref="InvalidOperationException">The value is neither mode: the engine must not start on a guess.</exception>
    public static CryptoSettings Parse(string? mode) => mode?.Trim().ToLowerInvariant() switch
    {
        null or "" or "international" => International,
        "gm" or "guomi" => Gm,
        _ => throw new InvalidOperationException($"{ModeSetting} must be 'international' or 'gm', not '{mode}'."),
    };
}
