using System.Security.Cryptography;
using CityOps.DashboardHost.Auth;
using CityOps.Grains.Interfaces.City;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CityOps.DashboardHost.Tests.Auth;

public class TokenIssuerTests
{
    private readonly SymmetricSecurityKey _key = new(RandomNumberGenerator.GetBytes(32));

    private static readonly UserDirectory Users = new([
        new UserRecord("dispatcher.water", "Dispatch#2026", "水务派遣员", ["dispatcher"], ["990101", "990102"], "water"),
    ]);

    [Fact]
    public void A_user_with_the_right_password_is_found_and_a_wrong_one_is_not()
    {
        Users.Authenticate("dispatcher.water", "Dispatch#2026").Should().NotBeNull();
        Users.Authenticate("dispatcher.water", "dispatch#2026").Should().BeNull();
        Users.Authenticate("nobody", "Dispatch#2026").Should().BeNull();
    }

    [Fact]
    public async Task The_token_carries_roles_regions_and_department_and_validates_with_the_key()
    {
        var issuer = new TokenIssuer(Options.Create(new AuthOptions()), _key, TimeProvider.System);
        var (token, lifetime) = issuer.Issue(Users.Authenticate("dispatcher.water", "Dispatch#2026")!);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "cityops",
            ValidAudience = "cityops",
            IssuerSigningKey = _key,
        });

        result.IsValid.Should().BeTrue();
        lifetime.Should().Be(TimeSpan.FromHours(8));
        var jwt = new JsonWebToken(token);
        jwt.GetClaim("sub").Value.Should().Be("dispatcher.water");
        jwt.Claims.Where(c => c.Type == CityClaims.Role).Select(c => c.Value).Should().Equal("dispatcher");
        jwt.Claims.Where(c => c.Type == CityClaims.Region).Select(c => c.Value).Should().Equal("990101", "990102");
        jwt.GetClaim(CityClaims.Department).Value.Should().Be("water");
    }

    [Fact]
    public void A_user_with_an_unknown_role_is_refused_when_loaded()
    {
        var act = () => new UserDirectory([new UserRecord("x", "p", "X", ["mayor"], ["9901"], null)]);

        act.Should().Throw<InvalidDataException>().WithMessage("*mayor*");
    }
}
