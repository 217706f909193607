using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

[Collection(EventClusterTests.Name)]
public class DeadlineTests(EventClusterFixture fixture)
{
    private static readonly CityCatalogue Catalogue = CityCatalogue.Load(SampleCity.Path);
    private readonly Cases _cases = new(fixture.Grains);

    public static TheoryData<EventState, EventStage> OpenStages => new()
    {
        { EventState.Reported, EventStage.Register },
        { EventState.Registered, EventStage.Dispatch },
        { EventState.Dispatched, EventStage.Handle },
        { EventState.Accepted, EventStage.Handle },
        { EventState.Handled, EventStage.Verify },
        { EventState.Verified, EventStage.Verify },
    };

    private static TimeSpan LimitOf(EventStage stage)
    {
        var limits = Catalogue.Require("street_light_damaged").Limits;
        return TimeSpan.FromMinutes(stage switch
        {
            EventStage.Register => limits.RegisterMinutes,
            EventStage.Dispatch => limits.DispatchMinutes,
            EventStage.Handle => limits.HandleMinutes,
            _ => limits.VerifyMinutes,
        });
    }

    [Theory]
    [MemberData(nameof(OpenStages))]
    public async Task A_stage_that_runs_past_its_deadline_escalates_to_the_dispatcher(EventState state, EventStage stage)
    {
        var id = await _cases.CaseInAsync(state);
        var deadline = (await _cases.ViewAsync(id)).Summary.Deadline!.Value;

        EventClusterFixture.Clock.Advance(deadline - EventClusterFixture.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        await _cases.Case(id).CheckDeadline();

        var view = await _cases.ViewAsync(id);
        view.Summary.Escalation.Should().Be(EscalationLevel.Dispatcher);
        view.Escalations.Should().ContainSingle().Which.Stage.Should().Be(stage);
        view.Summary.IsOverdue(EventClusterFixture.Clock.GetUtcNow()).Should().BeTrue();
    }

    [Fact]
    public async Task A_stage_before_its_deadline_does_not_escalate()
    {
        var id = await _cases.CaseInAsync(EventState.Registered);

        EventClusterFixture.Clock.Advance(LimitOf(EventStage.Dispatch) - TimeSpan.FromMinutes(1));
        await _cases.Case(id).CheckDeadline();

        (await _cases.ViewAsync(id)).Summary.Escalation.Should().Be(EscalationLevel.None);
    }

    [Fact]
    public async Task Escalation_climbs_to_the_department_head_at_half_the_limit_again_and_the_command_centre_at_the_whole_limit_again()
    {
        var id = await _cases.CaseInAsync(EventState.Registered);
        var limit = LimitOf(EventStage.Dispatch);
        var levels = new List<EscalationLevel>();

        foreach (var at in new[] { limit, limit / 2, limit / 2 })
        {
            EventClusterFixture.Clock.Advance(at);
            await _cases.Case(id).CheckDeadline();
            levels.Add((await _cases.ViewAsync(id)).Summary.Escalation);
        }

        levels.Should().Equal(EscalationLevel.Dispatcher, EscalationLevel.DepartmentHead, EscalationLevel.CommandCentre);
        (await _cases.ViewAsync(id)).Escalations.Select(e => e.Level).Should().Equal(levels);
    }

    [Fact]
    public async Task A_case_found_long_overdue_records_every_level_it_passed()
    {
        var id = await _cases.CaseInAsync(EventState.Registered);

        EventClusterFixture.Clock.Advance(LimitOf(EventStage.Dispatch) * 3);
        await _cases.Case(id).CheckDeadline();

        (await _cases.ViewAsync(id)).Escalations.Select(e => e.Level).Should().Equal(
            EscalationLevel.Dispatcher, EscalationLevel.DepartmentHead, EscalationLevel.CommandCentre);
    }

    [Fact]
    public async Task The_next_stage_starts_with_a_fresh_limit_and_no_escalation()
    {
        var id = await _cases.CaseInAsync(EventState.Registered);
        EventClusterFixture.Clock.Advance(LimitOf(EventStage.Dispatch) * 2);
        await _cases.Case(id).CheckDeadline();

        var view = await _cases.ActAsync(id, Cases.Dispatcher(), new EventActionRequest(EventAction.Dispatch, Department: "water"));

        view.Summary.Escalation.Should().Be(EscalationLevel.None);
        view.Summary.Deadline.Should().Be(EventClusterFixture.Clock.GetUtcNow() + LimitOf(EventStage.Handle));
    }

    [Fact]
    public async Task A_suspension_pauses_the_clock_and_moves_the_deadline_by_the_time_suspended()
    {
        var id = await _cases.CaseInAsync(EventState.Accepted);
        var deadline = (await _cases.ViewAsync(id)).Summary.Deadline!.Value;
        await _cases.ActAsync(id, Cases.Operator, new EventActionRequest(EventAction.Suspend, Reason: "awaiting parts"));

        EventClusterFixture.Clock.Advance(LimitOf(EventStage.Handle) * 3);
        await _cases.Case(id).CheckDeadline();
        var suspended = await _cases.ViewAsync(id);
        var resumed = await _cases.ActAsync(id, Cases.Operator, new EventActionRequest(EventAction.Resume));

        suspended.Summary.Escalation.Should().Be(EscalationLevel.None);
        suspended.Summary.Deadline.Should().BeNull();
        resumed.Summary.State.Should().Be(EventState.Accepted);
        resumed.Summary.Deadline.Should().Be(deadline + (LimitOf(EventStage.Handle) * 3));
    }

    [Fact]
    public async Task A_suspension_needs_a_reason()
    {
        var id = await _cases.CaseInAsync(EventState.Accepted);

        var outcome = await _cases.Case(id).Act(Cases.Operator, new EventActionRequest(EventAction.Suspend));

        outcome.Refusal!.Kind.Should().Be(RefusalKind.InputMissing);
    }

    [Fact]
    public async Task A_suspension_asked_by_a_responder_changes_nothing_until_an_operator_approves()
    {
        var id = await _cases.CaseInAsync(EventState.Accepted);

        var asked = await _cases.Case(id).Act(Cases.Responder(), new EventActionRequest(EventAction.Suspend, Reason: "road closed for repairs"));
        var approved = await _cases.ActAsync(id, Cases.Operator, new EventActionRequest(EventAction.Suspend));

        asked.AwaitingApproval.Should().BeTrue();
        asked.Event!.Summary.State.Should().Be(EventState.Accepted);
        asked.Event.PendingSuspension!.Reason.Should().Be("road closed for repairs");
        approved.Summary.State.Should().Be(EventState.Suspended);
        approved.PendingSuspension.Should().BeNull();
        approved.Timeline[^1].Details[AuditDetails.Approver].Should().Be("operator");
    }
}
