using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CityOps.DashboardHost.Auth;

/// <summary>Issues the JWTs that carry a user's roles, regions and department.</summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, SymmetricSecurityKey key, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, TimeSpan Lifetime) Issue(CityUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var settings = options.Value;
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, user.Username),
            new(JwtRegisteredClaimNames.Name, user.DisplayName),
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
