using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

/// <summary>
/// Actions by key: a phone that did not hear back sends its queued action again with the same key, and the case takes
/// it once; an action meant for a case assigned to its sender is refused once the case is someone else's.
/// </summary>
[Collection(EventClusterTests.Name)]
public class IdempotentActionTests(EventClusterFixture fixture)
{
    private readonly Cases _cases = new(fixture.Grains);

    private async Task<string> DispatchedToAsync(string assignee)
    {
        var id = await _cases.CaseInAsync(EventState.Registered);
        await _cases.ActAsync(id, Cases.Dispatcher("urban"), new(EventAction.Dispatch, Department: "water", Assignee: assignee));
        return id;
    }

    [Fact]
    public async Task An_action_sent_again_with_its_key_is_answered_as_a_replay_and_taken_once()
    {
        var id = await DispatchedToAsync("responder.water.1");
        var request = new EventActionRequest(EventAction.Accept, IdempotencyKey: "http:responder.water.1:" + Guid.NewGuid());
        var grain = fixture.Grains.GetGrain<IUrbanEventGrain>(id);

        var first = await grain.Act(Cases.Responder(), request);
        var again = await grain.Act(Cases.Responder(), request);

        first.Replayed.Should().BeFalse();
        again.Refusal.Should().BeNull("the case is accepted by this very action");
        again.Replayed.Should().BeTrue();
        again.Event!.Summary.State.Should().Be(EventState.Accepted);
        (await grain.GetAudit()).Count(e => e.Action == EventAction.Accept).Should().Be(1);
    }

    [Fact]
    public async Task A_key_is_remembered_across_a_later_action_so_a_late_resend_changes_nothing()
    {
        var id = await DispatchedToAsync("responder.water.1");
        var accept = new EventActionRequest(EventAction.Accept, IdempotencyKey: "k-accept-" + Guid.NewGuid());
        var grain = fixture.Grains.GetGrain<IUrbanEventGrain>(id);
        await grain.Act(Cases.Responder(), accept);
        await grain.Act(Cases.Responder(), new EventActionRequest(EventAction.Handle, IdempotencyKey: "k-handle-" + Guid.NewGuid()));

        var late = await grain.Act(Cases.Responder(), accept);

        late.Replayed.Should().BeTrue();
        late.Event!.Summary.State.Should().Be(EventState.Handled);
        (await grain.GetAudit()).Count.Should().Be(5, "report, register, dispatch, accept and handle: nothing twice");
    }

    [Fact]
    public async Task An_action_meant_for_the_assignee_is_refused_as_reassigned_once_the_case_is_someone_elses()
    {
        var id = await DispatchedToAsync("responder.water.1");
        await _cases.ActAsync(id, Cases.Dispatcher("water"), new(EventAction.Dispatch, Department: "water", Assignee: "responder.water.2"));

        var outcome = await fixture.Grains.GetGrain<IUrbanEventGrain>(id)
            .Act(Cases.Responder(), new EventActionRequest(EventAction.Accept, IfAssignedTo: "responder.water.1"));

        outcome.Refusal!.Kind.Should().Be(RefusalKind.Reassigned);
        outcome.Refusal.Message.Should().Contain("responder.water.2");
        (await _cases.ViewAsync(id)).Summary.State.Should().Be(EventState.Dispatched);
    }

    [Fact]
    public async Task An_action_meant_for_the_assignee_stands_while_the_case_is_still_theirs()
    {
        var id = await DispatchedToAsync("responder.water.1");

        var outcome = await fixture.Grains.GetGrain<IUrbanEventGrain>(id)
            .Act(Cases.Responder(), new EventActionRequest(EventAction.Accept, IfAssignedTo: "responder.water.1"));

        outcome.Refusal.Should().BeNull();
        outcome.Event!.Summary.State.Should().Be(EventState.Accepted);
    }
}
