using CityOps.DashboardHost.Auth;

namespace CityOps.DashboardHost.Tests.Auth;

public class PasswordHasherTests
{
    [Fact]
    public void The_right_password_verifies_against_its_hash()
    {
        PasswordHasher.Verify("Operator#2026", PasswordHasher.Hash("Operator#2026")).Should().BeTrue();
    }

    [Fact]
    public void A_wrong_password_does_not_verify()
    {
        PasswordHasher.Verify("operator#2026", PasswordHasher.Hash("Operator#2026")).Should().BeFalse();
    }

    [Fact]
    public void The_hash_does_not_contain_the_password()
    {
        PasswordHasher.Hash("Operator#2026").Should().NotContain("Operator#2026");
    }

    [Fact]
    public void A_malformed_hash_never_verifies()
    {
        PasswordHasher.Verify("x", "plain-text").Should().BeFalse();
    }
}
