using System.Security.Cryptography;
using System.Text;

namespace CityOps.Sip;

/// <summary>The digest parameters of an <c>Authorization: Digest …</c> header (RFC 2617).</summary>
public sealed record DigestAuthorization(
    string Username, string Realm, string Nonce, string Uri, string Response, string? Algorithm, string? Qop, string? Nc, string? Cnonce);

/// <summary>
/// HTTP digest authentication as GB/T 28181 uses it for REGISTER: MD5, with or without <c>qop=auth</c>. MD5 is what the
/// standard and every device speak; the access point's defences are single-use nonces with an expiry and the stored HA1
/// being bound to one realm (docs/gb28181.md).
/// </summary>
public static class SipDigest
{
    /// <summary>HA1 = MD5(username:realm:password), in lower-case hex: what the registry stores for a GB device.</summary>
    public static string Ha1(string username, string realm, string password) => Md5Hex($"{username}:{realm}:{password}");

    /// <summary>The response a client computes from HA1 for the given request.</summary>
    public static string Response(string ha1, string method, DigestAuthorization authorization)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var ha2 = Md5Hex($"{method}:{authorization.Uri}");
        return authorization.Qop is { Length: > 0 } qop
            ? Md5Hex($"{ha1}:{authorization.Nonce}:{authorization.Nc}:{authorization.Cnonce}:{qop}:{ha2}")
            : Md5Hex($"{ha1}:{authorization.Nonce}:{ha2}");
    }

    /// <summary>Whether the authorization's response is right for HA1, compared in constant time.</summary>
    public static bool Verify(string ha1, string method, DigestAuthorization authorization)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        if (authorization.Algorithm is { } algorithm && !string.Equals(algorithm, "MD5", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (authorization.Qop is { Length: > 0 } qop && (qop != "auth" || authorization.Nc is null || authorization.Cnonce is null))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Response(ha1, method, authorization));
        var given = Encoding.ASCII.GetBytes(authorization.Response.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>The challenge header value of a 401.</summary>
    public static string Challenge(string realm, string nonce) => $"Digest realm=\"{realm}\",nonce=\"{nonce}\",algorithm=MD5,qop=\"auth\"";

    /// <summary>Reads <c>Digest k="v", k=v</c>; null when it is not a digest or misses a required parameter.</summary>
    public static DigestAuthorization? Parse(string? header)
    {
        var values = Parameters(header, "Digest");
        if (values is null)
        {
            return null;
        }

        return values.TryGetValue("username", out var username) && values.TryGetValue("realm", out var realm)
            && values.TryGetValue("nonce", out var nonce) && values.TryGetValue("uri", out var uri)
            && values.TryGetValue("response", out var response)
            ? new DigestAuthorization(username, realm, nonce, uri, response, values.GetValueOrDefault("algorithm"),
                values.GetValueOrDefault("qop"), values.GetValueOrDefault("nc"), values.GetValueOrDefault("cnonce"))
            : null;
    }

    /// <summary>The parameters of a <c>WWW-Authenticate</c> or <c>Authorization</c> header of the scheme; null for another scheme.</summary>
    public static Dictionary<string, string>? Parameters(string? header, string scheme)
    {
        if (header is null || !header.StartsWith(scheme + " ", StringComparison.OrdinalIgnoreCase) || header.Length > 2048)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = header.AsSpan(scheme.Length + 1);
        while (!text.IsEmpty)
        {
            text = text.TrimStart(" ,");
            var eq = text.IndexOf('=');
            if (eq <= 0)
            {
                break;
            }

            var key = text[..eq].Trim().ToString();
            text = text[(eq + 1)..].TrimStart();
            string value;
            if (!text.IsEmpty && text[0] == '"')
            {
                var close = text[1..].IndexOf('"');
                if (close < 0)
                {
                    return null;
                }

                value = text.Slice(1, close).ToString();
                text = text[(close + 2)..];
            }
            else
            {
                var comma = text.IndexOf(',');
                value = (comma < 0 ? text : text[..comma]).Trim().ToString();
                text = comma < 0 ? [] : text[comma..];
            }

            values.TryAdd(key, value);
        }

        return values;
    }

#pragma warning disable CA5351 // GB/T 28181 registration digest is MD5 by the standard (RFC 2617); see the type's comment.
    private static string Md5Hex(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
}
