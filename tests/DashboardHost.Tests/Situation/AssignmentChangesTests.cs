using CityOps.DashboardHost.Situation;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.DashboardHost.Tests.Situation;

public class AssignmentChangesTests
{
    private static EventSummary Case(string? assignee, int version, EventState state = EventState.Dispatched, EscalationLevel escalation = EscalationLevel.None) =>
        Changes.Event("E20261122-000001") with { Assignee = assignee, Version = version, State = state, Escalation = escalation, Department = "water" };

    private static AssignmentSeen Seen(string? assignee, int version, EscalationLevel escalation = EscalationLevel.None) => new(assignee, escalation, version);

    [Fact]
    public void A_case_dispatched_to_a_responder_is_a_new_assignment_for_them()
    {
        var (notices, next) = AssignmentChanges.Decide(Seen(null, 2), Case("responder.water.1", 3));

        notices.Should().Equal(("responder.water.1", AssignmentChange.Assigned));
        next.Should().Be(Seen("responder.water.1", 3));
    }

    [Fact]
    public void A_reassignment_tells_the_one_it_leaves_and_the_one_it_reaches()
    {
        var (notices, _) = AssignmentChanges.Decide(Seen("responder.water.1", 3), Case("responder.water.2", 4));

        notices.Should().Equal(("responder.water.1", AssignmentChange.ReassignedAway), ("responder.water.2", AssignmentChange.Assigned));
    }

    [Fact]
    public void A_higher_escalation_level_on_ones_case_is_a_督办()
    {
        var (notices, _) = AssignmentChanges.Decide(Seen("responder.water.1", 4), Case("responder.water.1", 4, escalation: EscalationLevel.Dispatcher));

        notices.Should().Equal(("responder.water.1", AssignmentChange.Escalated));
    }

    [Fact]
    public void Another_change_to_ones_case_is_an_update()
    {
        var (notices, _) = AssignmentChanges.Decide(Seen("responder.water.1", 4), Case("responder.water.1", 5, EventState.Accepted));

        notices.Should().Equal(("responder.water.1", AssignmentChange.Updated));
    }

    [Fact]
    public void A_case_that_ends_is_taken_away_from_whoever_had_it_and_forgotten()
    {
        var (notices, next) = AssignmentChanges.Decide(Seen("responder.water.1", 6), Case("responder.water.1", 7, EventState.Closed));

        notices.Should().Equal(("responder.water.1", AssignmentChange.ReassignedAway));
        next.Should().BeNull();
    }

    [Fact]
    public void An_older_version_or_the_same_one_again_tells_nobody()
    {
        AssignmentChanges.Decide(Seen("responder.water.2", 5), Case("responder.water.1", 4)).Notices.Should().BeEmpty();
        AssignmentChanges.Decide(Seen("responder.water.1", 4), Case("responder.water.1", 4)).Notices.Should().BeEmpty();
    }

    [Fact]
    public void A_case_first_seen_is_an_assignment_unless_it_is_already_escalated()
    {
        AssignmentChanges.Decide(null, Case("responder.water.1", 3)).Notices.Should().Equal(("responder.water.1", AssignmentChange.Assigned));
        AssignmentChanges.Decide(null, Case("responder.water.1", 3, escalation: EscalationLevel.Dispatcher)).Notices
            .Should().Equal(("responder.water.1", AssignmentChange.Escalated));
    }

    [Fact]
    public void A_case_nobody_is_assigned_to_tells_nobody()
    {
        AssignmentChanges.Decide(null, Case(null, 2)).Notices.Should().BeEmpty();
    }
}
