using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using CityOps.Grains.Interfaces.Users;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CityOps.DashboardHost.Auth;

/// <summary>
/// Issues the JWTs that carry a user's roles, regions and department, with the account's token
/// version (<c>ver</c>) and the session (<c>sid</c>) they belong to, which validation checks against the account.
/// </summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, SymmetricSecurityKey key, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, TimeSpan Lifetime) Issue(UserProfile user, int tokenVersion, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(user);
        var settings = options.Value;
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, user.Username),
            new(JwtRegisteredClaimNames.Name, user.DisplayName),
            new(CityClaims.TokenVersion, tokenVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(JwtRegisteredClaimNames.Sid, sessionId),
        };
        claims.AddRange(user.Roles.Select(r => new Claim(CityClaims.Role, r)));
        claims.AddRange(user.Regions.Select(r => new Claim(CityClaims.Region, r)));
        if (user.Department is { } department)
        {
            claims.Add(new Claim(CityClaims.Department, department));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.TokenLifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        return (token, settings.TokenLifetime);
    }
}

/// <summary>
/// Refresh tokens: <c>{base64url(username)}.{session id}.{secret}</c>. The account keeps only the
/// SHA-256 of the current secret (and of those already rotated, to recognise a reuse).
/// </summary>
public static class RefreshTokens
{
    public sealed record Parsed(string Username, string SessionId, string Secret);

    public static string NewSessionId() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));

    public static string NewSecret() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static string Format(string username, string sessionId, string secret) =>
        $"{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(username))}.{sessionId}.{secret}";

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static Parsed? Parse(string? token)
    {
        var parts = token?.Split('.');
        if (parts is not [{ Length: > 0 and <= 200 } user, { Length: 22 } session, { Length: 43 } secret])
        {
            return null;
        }

        try
        {
            return new Parsed(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(user)), session, secret);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
