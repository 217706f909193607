using System.Security.Claims;
using CityOps.DashboardHost.Auth;

namespace CityOps.DashboardHost.Tests.Auth;

public class RegionScopeTests
{
    private static ClaimsPrincipal User(string[] regions, string? department = null)
    {
        var claims = regions.Select(r => new Claim(CityClaims.Region, r)).ToList();
        if (department is not null)
        {
            claims.Add(new Claim(CityClaims.Department, department));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    [Fact]
    public void A_city_wide_user_reaches_every_cell_of_the_city()
    {
        RegionScope.Allows(User(["9901"]), new ScopedResource("9901020030040005")).Should().BeTrue();
    }

    [Fact]
    public void A_district_user_reaches_cells_of_the_district()
    {
        RegionScope.Allows(User(["990102"]), new ScopedResource("9901020030040005")).Should().BeTrue();
    }

    [Fact]
    public void A_district_user_does_not_reach_another_district()
    {
        RegionScope.Allows(User(["990102"]), new ScopedResource("9901030030040005")).Should().BeFalse();
    }

    [Fact]
    public void A_district_user_does_not_reach_the_city_as_a_whole()
    {
        RegionScope.Allows(User(["990102"]), new ScopedResource("9901")).Should().BeFalse();
    }

    [Fact]
    public void A_user_with_several_regions_reaches_each_of_them()
    {
        var user = User(["990101", "990103"]);

        RegionScope.Allows(user, new ScopedResource("990103001")).Should().BeTrue();
        RegionScope.Allows(user, new ScopedResource("990102001")).Should().BeFalse();
    }

    [Fact]
    public void A_departmental_user_reaches_only_their_departments_work()
    {
        var user = User(["9901"], "water");

        RegionScope.Allows(user, new ScopedResource("990101", "water")).Should().BeTrue();
        RegionScope.Allows(user, new ScopedResource("990101", "urban")).Should().BeFalse();
    }

    [Fact]
    public void A_user_without_regions_reaches_nothing()
    {
        RegionScope.Allows(User([]), new ScopedResource("9901")).Should().BeFalse();
    }
}
