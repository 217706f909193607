using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;
using static CityOps.Grains.Interfaces.Events.EventAction;
using static CityOps.Grains.Interfaces.Events.EventState;

namespace CityOps.Grains.Tests.Events;

/// <summary>Every allowed and every refused (state, action) pair, against the lifecycle as specified here independently of the code's table.</summary>
public class EventLifecycleTableTests
{
    private static readonly EventState[] Suspendable = [Registered, Returned, Dispatched, Accepted];

    /// <summary>The lifecycle of docs/architecture.md, Domain rules as the specification states it; resume is handled per suspended-from state.</summary>
    private static readonly Dictionary<EventState, Dictionary<EventAction, EventState>> Spec = new()
    {
        [Reported] = new() { [Register] = Registered, [Reject] = Rejected, [Merge] = Merged },
        [Registered] = new() { [Dispatch] = Dispatched, [Suspend] = Suspended, [Merge] = Merged },
        [Rejected] = new(),
        [Dispatched] = new() { [Accept] = Accepted, [EventAction.Return] = Returned, [Dispatch] = Dispatched, [Suspend] = Suspended },
        [Accepted] = new() { [Handle] = Handled, [EventAction.Return] = Returned, [Dispatch] = Dispatched, [Suspend] = Suspended },
        [Returned] = new() { [Dispatch] = Dispatched, [Reject] = Rejected, [Suspend] = Suspended },
        [Handled] = new() { [Verify] = Verified, [Rework] = Accepted },
        [Verified] = new() { [Close] = Closed },
        [Closed] = new() { [Reopen] = Registered },
        [Merged] = new(),
    };

    private static IEnumerable<LifecycleStatus> AllStatuses() =>
        Enum.GetValues<EventState>().Where(s => s != Suspended).Select(s => new LifecycleStatus(s))
            .Concat(Suspendable.Select(from => new LifecycleStatus(Suspended, from)));

    private static Dictionary<EventAction, EventState> SpecFor(LifecycleStatus status) =>
        status.State == Suspended ? new() { [Resume] = status.SuspendedFrom!.Value } : Spec[status.State];

    public static TheoryData<EventState, EventState?, EventAction, EventState> AllowedTransitions()
    {
        var data = new TheoryData<EventState, EventState?, EventAction, EventState>();
        foreach (var status in AllStatuses())
        {
            foreach (var (action, to) in SpecFor(status))
            {
                data.Add(status.State, status.SuspendedFrom, action, to);
            }
        }

        return data;
    }

    public static TheoryData<EventState, EventState?, EventAction> RefusedTransitions()
    {
        var data = new TheoryData<EventState, EventState?, EventAction>();
        foreach (var status in AllStatuses())
        {
            foreach (var action in Enum.GetValues<EventAction>().Where(a => !SpecFor(status).ContainsKey(a)))
            {
                data.Add(status.State, status.SuspendedFrom, action);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllowedTransitions))]
    public void An_allowed_action_leads_to_its_state(EventState state, EventState? suspendedFrom, EventAction action, EventState to)
    {
        var decision = EventLifecycle.Apply(new LifecycleStatus(state, suspendedFrom), action);

        decision.IsAllowed.Should().BeTrue();
        decision.Transition.Should().Be(new EventTransition(state, action, to));
        decision.Next.Should().Be(to == Suspended ? new LifecycleStatus(Suspended, state) : new LifecycleStatus(to));
    }

    [Theory]
    [MemberData(nameof(RefusedTransitions))]
    public void A_refused_action_is_refused_with_the_allowed_actions_of_the_state(EventState state, EventState? suspendedFrom, EventAction action)
    {
        var status = new LifecycleStatus(state, suspendedFrom);

        var decision = EventLifecycle.Apply(status, action);

        decision.IsAllowed.Should().BeFalse();
        decision.Refusal!.Kind.Should().Be(RefusalKind.NotAllowedInState);
        decision.Refusal.AllowedActions.Should().BeEquivalentTo(SpecFor(status).Keys);
        decision.Refusal.Message.Should().Contain(action.ToString().ToLowerInvariant());
    }

    [Fact]
    public void The_code_table_holds_exactly_the_specified_transitions()
    {
        var specified = AllStatuses()
            .SelectMany(s => SpecFor(s).Select(p => new EventTransition(s.State, p.Key, p.Value)));

        EventLifecycle.Transitions.Should().BeEquivalentTo(specified);
    }

    [Fact]
    public void The_allowed_actions_of_a_state_are_those_of_the_table()
    {
        foreach (var status in AllStatuses())
        {
            EventLifecycle.AllowedActions(status).Should().BeEquivalentTo(SpecFor(status).Keys, $"state {status}");
        }
    }

    [Fact]
    public void A_refusal_message_names_the_allowed_actions()
    {
        EventLifecycle.Apply(new LifecycleStatus(Reported), Close).Refusal!.Message
            .Should().Be("close is not allowed in state reported; allowed: register, reject, merge");
        EventLifecycle.Apply(new LifecycleStatus(Rejected), Reopen).Refusal!.Message.Should().EndWith("allowed: none");
    }

    [Fact]
    public void Report_opens_a_case_and_is_no_action_on_one()
    {
        AllStatuses().Should().OnlyContain(s => !EventLifecycle.Apply(s, Report).IsAllowed);
        LifecycleStatus.Reported.State.Should().Be(Reported);
    }

    [Fact]
    public void A_suspended_case_resumes_only_to_the_state_it_was_suspended_from()
    {
        var suspended = EventLifecycle.Apply(new LifecycleStatus(Accepted), Suspend).Next!;

        EventLifecycle.AllowedActions(suspended).Should().Equal(Resume);
        EventLifecycle.Apply(suspended, Resume).Next.Should().Be(new LifecycleStatus(Accepted));
    }

    [Fact]
    public void A_status_that_contradicts_itself_is_a_programming_error()
    {
        var suspendedFromNowhere = () => EventLifecycle.AllowedActions(new LifecycleStatus(Suspended));
        var suspendedFromAnEnd = () => EventLifecycle.Apply(new LifecycleStatus(Suspended, Closed), Resume);
        var runningWithAnOrigin = () => EventLifecycle.Apply(new LifecycleStatus(Accepted, Registered), Handle);

        suspendedFromNowhere.Should().Throw<ArgumentException>();
        suspendedFromAnEnd.Should().Throw<ArgumentException>();
        runningWithAnOrigin.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Rework_sends_the_case_back_to_the_department_that_accepted_it() =>
        EventLifecycle.Apply(new LifecycleStatus(Handled), Rework).Next.Should().Be(new LifecycleStatus(Accepted));

    [Fact]
    public void A_reopened_case_goes_back_to_the_dispatchers() =>
        EventLifecycle.Apply(new LifecycleStatus(Closed), Reopen).Next.Should().Be(new LifecycleStatus(Registered));

    [Fact]
    public void Rejected_and_merged_cases_are_final_and_closed_ones_only_reopen()
    {
        EventLifecycle.AllowedActions(new LifecycleStatus(Rejected)).Should().BeEmpty();
        EventLifecycle.AllowedActions(new LifecycleStatus(Merged)).Should().BeEmpty();
        EventLifecycle.AllowedActions(new LifecycleStatus(Closed)).Should().Equal(Reopen);
        EventLifecycle.EndStates.Should().OnlyContain(s => !EventLifecycle.IsOpen(s));
        EventLifecycle.IsOpen(Suspended).Should().BeTrue();
    }

    [Theory]
    [InlineData(Reported, EventStage.Register)]
    [InlineData(Registered, EventStage.Dispatch)]
    [InlineData(Returned, EventStage.Dispatch)]
    [InlineData(Dispatched, EventStage.Handle)]
    [InlineData(Accepted, EventStage.Handle)]
    [InlineData(Handled, EventStage.Verify)]
    [InlineData(Verified, EventStage.Verify)]
    [InlineData(Closed, EventStage.None)]
    [InlineData(Rejected, EventStage.None)]
    [InlineData(Merged, EventStage.None)]
    public void Each_state_belongs_to_its_time_limited_stage(EventState state, EventStage stage) =>
        EventLifecycle.StageOf(new LifecycleStatus(state)).Should().Be(stage);

    [Fact]
    public void A_suspended_case_stays_in_the_stage_it_was_suspended_from() =>
        EventLifecycle.StageOf(new LifecycleStatus(Suspended, Returned)).Should().Be(EventStage.Dispatch);
}
