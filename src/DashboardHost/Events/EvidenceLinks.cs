using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace CityOps.DashboardHost.Events;

/// <summary>
/// Short-lived links to evidence photos (<c>/evidence/{sha256}?v=&amp;exp=&amp;sig=</c>), handed to a user who may read the
/// case that names the photo: an <c>&lt;img&gt;</c> cannot send a bearer token, and a link must not outlive the right
/// it was made under for long (<see cref="Lifetime"/>). Signed with HMAC-SHA256 under a key derived from the token
/// signing key, so every web host that accepts the same tokens accepts the same links.
/// </summary>
public sealed class EvidenceLinks
{
    public const string LifetimeSetting = "Evidence:LinkLifetime";

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    private readonly byte[] _key;
    private readonly TimeProvider _clock;

    public EvidenceLinks(SymmetricSecurityKey signingKey, TimeProvider clock, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        _key = HMACSHA256.HashData(signingKey.Key, "cityops/evidence-links/v1"u8);
        _clock = clock;
        Lifetime = lifetime;
    }

    public TimeSpan Lifetime { get; }

    /// <summary>A link to the photo (or its copy) valid for <see cref="Lifetime"/> from now, and when it expires.</summary>
    public (string Url, DateTimeOffset ExpiresAt) Link(string sha256, EvidenceVariant variant)
    {
        var expires = _clock.GetUtcNow().Add(Lifetime);
        var exp = expires.ToUnixTimeSeconds();
        return ($"/evidence/{sha256}?v={Name(variant)}&exp={exp.ToString(CultureInfo.InvariantCulture)}&sig={Signature(sha256, variant, exp)}", DateTimeOffset.FromUnixTimeSeconds(exp));
    }

    /// <summary>Why the link is not good (in words), or null when it is.</summary>
    public string? Refusal(string sha256, EvidenceVariant variant, long exp, string? sig)
    {
        if (sig is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sig), Encoding.ASCII.GetBytes(Signature(sha256, variant, exp))))
        {
            return "This evidence link is not one the engine made.";
        }

        return _clock.GetUtcNow().ToUnixTimeSeconds() > exp ? "This evidence link has expired; open the case again for a fresh one." : null;
    }

    public static string Name(EvidenceVariant variant) => variant == EvidenceVariant.Thumbnail ? "thumb" : "full";

    public static EvidenceVariant? Parse(string? name) => name switch
    {
        null or "full" => EvidenceVariant.Original,
        "thumb" => EvidenceVariant.Thumbnail,
        _ => null,
    };

    private string Signature(string sha256, EvidenceVariant variant, long exp) =>
        Base64UrlEncoder.Encode(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{sha256}|{Name(variant)}|{exp.ToString(CultureInfo.InvariantCulture)}")));
}
