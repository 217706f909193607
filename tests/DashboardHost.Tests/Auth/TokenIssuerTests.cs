using System.Security.Cryptography;
using CityOps.DashboardHost.Auth;
using CityOps.Grains.Interfaces.Users;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CityOps.DashboardHost.Tests.Auth;

public class TokenIssuerTests
{
    private readonly SymmetricSecurityKey _key = new(RandomNumberGenerator.GetBytes(32));

    private static readonly UserProfile Dispatcher = new("dispatcher.water", "水务派遣员", ["dispatcher"], ["990101", "990102"], "water");

    [Fact]
    public async Task The_token_carries_roles_regions_department_version_and_session_and_validates_with_the_key()
    {
        var issuer = new TokenIssuer(Options.Create(new AuthOptions()), _key, TimeProvider.System);
        var (token, lifetime) = issuer.Issue(Dispatcher, 3, "session-1");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "cityops",
            ValidAudience = "cityops",
            IssuerSigningKey = _key,
        });

        result.IsValid.Should().BeTrue();
        lifetime.Should().Be(TimeSpan.FromMinutes(15), "access tokens are short-lived; sessions go on with refresh tokens");
        var jwt = new JsonWebToken(token);
        jwt.GetClaim("sub").Value.Should().Be("dispatcher.water");
        jwt.Claims.Where(c => c.Type == CityClaims.Role).Select(c => c.Value).Should().Equal("dispatcher");
        jwt.Claims.Where(c => c.Type == CityClaims.Region).Select(c => c.Value).Should().Equal("990101", "990102");
        jwt.GetClaim(CityClaims.Department).Value.Should().Be("water");
        jwt.GetClaim(CityClaims.TokenVersion).Value.Should().Be("3");
        jwt.GetClaim("sid").Value.Should().Be("session-1");
    }

    [Fact]
    public void A_refresh_token_names_its_user_and_session_and_reads_back()
    {
        var (session, secret) = (RefreshTokens.NewSessionId(), RefreshTokens.NewSecret());

        var parsed = RefreshTokens.Parse(RefreshTokens.Format("dispatcher.water", session, secret));

        parsed.Should().Be(new RefreshTokens.Parsed("dispatcher.water", session, secret));
        RefreshTokens.Hash(secret).Should().HaveLength(64).And.NotBe(RefreshTokens.Hash(RefreshTokens.NewSecret()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("ZGlzcGF0Y2hlcg.short.secret")]
    public void A_malformed_refresh_token_is_not_read(string? token) => RefreshTokens.Parse(token).Should().BeNull();
}
