using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

public class EscalationRuleTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(30);

    [Theory]
    [InlineData(0, EscalationLevel.None)]
    [InlineData(29.99, EscalationLevel.None)]
    [InlineData(30, EscalationLevel.Dispatcher)]
    [InlineData(44.99, EscalationLevel.Dispatcher)]
    [InlineData(45, EscalationLevel.DepartmentHead)]
    [InlineData(59.99, EscalationLevel.DepartmentHead)]
    [InlineData(60, EscalationLevel.CommandCentre)]
    [InlineData(6000, EscalationLevel.CommandCentre)]
    public void An_overdue_stage_escalates_at_its_deadline_then_at_half_and_whole_limit_past_it(double minutes, EscalationLevel level) =>
        EscalationRule.LevelFor(TimeSpan.FromMinutes(minutes), Limit).Should().Be(level);

    [Fact]
    public void Escalation_scales_with_the_stage_s_limit() =>
        EscalationRule.LevelFor(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(10)).Should().Be(EscalationLevel.DepartmentHead);

    [Fact]
    public void The_next_level_is_known_until_the_command_centre_is_told()
    {
        EscalationRule.NextAfter(EscalationLevel.None, Limit).Should().Be(TimeSpan.FromMinutes(30));
        EscalationRule.NextAfter(EscalationLevel.Dispatcher, Limit).Should().Be(TimeSpan.FromMinutes(45));
        EscalationRule.NextAfter(EscalationLevel.DepartmentHead, Limit).Should().Be(TimeSpan.FromMinutes(60));
        EscalationRule.NextAfter(EscalationLevel.CommandCentre, Limit).Should().BeNull();
    }

    [Fact]
    public void Each_level_is_reached_later_than_the_one_before() =>
        EscalationRule.Steps.Select(s => s.ReachedAfter(Limit)).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
}
