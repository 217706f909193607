using CityOps.DashboardHost.Auth;

namespace CityOps.DashboardHost.Tests.Auth;

public class PasswordPolicyTests
{
    [Theory]
    [InlineData("Gx7#river-bend")]
    [InlineData("lantern 42 Harbour")]
    [InlineData("水位Station2026x")]
    public void A_long_mixed_password_of_nobody_s_name_is_accepted(string password) =>
        PasswordPolicy.Problem("dispatcher.water", password).Should().BeNull();

    [Fact]
    public void A_password_shorter_than_ten_characters_is_refused() =>
        PasswordPolicy.Problem("alice", "Gx7#rive").Should().Contain("at least 10");

    [Fact]
    public void A_password_of_fewer_than_three_kinds_of_character_is_refused() =>
        PasswordPolicy.Problem("alice", "riverbendlantern42").Should().Contain("at least 3 of");

    [Fact]
    public void A_password_containing_the_username_is_refused() =>
        PasswordPolicy.Problem("operator", "Operator#Shift7").Should().Contain("username");

    [Theory]
    [InlineData("Password@123")]
    [InlineData("P@ssw0rd123")]
    [InlineData("Admin#2026")]
    [InlineData("Dispatch#2026")]
    public void A_common_or_demo_password_is_refused(string password) =>
        PasswordPolicy.Problem("alice", password).Should().Contain("commonly used");

    [Fact]
    public void A_password_longer_than_128_characters_is_refused() =>
        PasswordPolicy.Problem("alice", "Ab1#" + new string('x', 125)).Should().Contain("128");
}
