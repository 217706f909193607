using CityOps.DeviceGateway.Mqtt;

namespace CityOps.DeviceGateway.Tests.Mqtt;

public class ExternalBrokerOptionsTests
{
    private readonly ExternalBrokerOptionsValidator _validator = new();

    [Fact]
    public void The_external_broker_is_off_by_default_and_then_needs_no_settings()
    {
        var options = new ExternalBrokerOptions { Host = "", Port = 0, SharedGroup = "" };

        options.Enabled.Should().BeFalse();
        _validator.Validate(null, options).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void The_defaults_name_the_shared_group_cityops_on_a_local_broker()
    {
        var options = new ExternalBrokerOptions { Enabled = true };

        options.SharedGroup.Should().Be("cityops");
        _validator.Validate(null, options).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void Every_problem_of_an_enabled_section_is_named_at_once()
    {
        var result = _validator.Validate(null, new ExternalBrokerOptions { Enabled = true, Host = " ", Port = 70000, SharedGroup = "a/b" });

        result.Failed.Should().BeTrue();
        result.Failures.Should().HaveCount(3);
        result.FailureMessage.Should().Contain("Mqtt:External:Host").And.Contain("Mqtt:External:Port").And.Contain("Mqtt:External:SharedGroup");
    }
}
