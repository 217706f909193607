using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;
using static CityOps.Grains.Interfaces.Events.EventAction;
using static CityOps.Grains.Interfaces.Events.EventState;

namespace CityOps.Grains.Tests.Events;

/// <summary>Who may take which action on which case, and what each action must carry.</summary>
public class EventLifecycleRoleTests
{
    private static readonly EventActor Operator = new("operator", [EventRole.Operator], null);
    private static readonly EventActor Admin = new("admin", [EventRole.Admin], null);
    private static readonly EventActor WaterDispatcher = new("dispatcher.water", [EventRole.Dispatcher], "water");
    private static readonly EventActor WaterResponder = new("li.water", [EventRole.Responder], "water");
    private static readonly EventActor TrafficResponder = new("wang.traffic", [EventRole.Responder], "traffic");
    private static readonly EventActor Inspector = new("zhao.urban", [EventRole.Responder], "urban");

    private static readonly CaseParties AtWater = new("water", null);
    private static readonly CaseParties HandledByLi = new("water", "li.water");

    /// <summary>The roles the specification gives each action.</summary>
    private static readonly Dictionary<EventAction, EventRole[]> Spec = new()
    {
        [Register] = [EventRole.Operator, EventRole.Dispatcher, EventRole.Engine],
        [Reject] = [EventRole.Operator, EventRole.Dispatcher],
        [Dispatch] = [EventRole.Dispatcher, EventRole.Engine],
        [Accept] = [EventRole.Responder],
        [EventAction.Return] = [EventRole.Responder],
        [Handle] = [EventRole.Responder],
        [Verify] = [EventRole.Responder],
        [Rework] = [EventRole.Responder],
        [Close] = [EventRole.Operator, EventRole.Dispatcher],
        [Suspend] = [EventRole.Operator, EventRole.Dispatcher, EventRole.Responder],
        [Resume] = [EventRole.Operator, EventRole.Admin],
        [Reopen] = [EventRole.Operator],
        [Merge] = [EventRole.Operator, EventRole.Dispatcher, EventRole.Engine],
    };

    /// <summary>A request carrying everything any action may need.</summary>
    private static EventActionRequest Complete(EventAction action) =>
        new(action, Reason: "why", Approver: Operator, Department: "urban", PrimaryEventId: "E20261122-000001");

    /// <summary>A status in which the action is allowed.</summary>
    private static LifecycleStatus WhereAllowed(EventAction action) => action == Resume
        ? new LifecycleStatus(Suspended, Registered)
        : new LifecycleStatus(EventLifecycle.Transitions.First(t => t.Action == action && t.From != Suspended).From);

    public static TheoryData<EventAction, EventRole, bool> EveryRoleForEveryAction()
    {
        var data = new TheoryData<EventAction, EventRole, bool>();
        foreach (var (action, roles) in Spec)
        {
            foreach (var role in Enum.GetValues<EventRole>())
            {
                data.Add(action, role, roles.Contains(role));
            }
        }

        return data;
    }

    private static LifecycleDecision Decide(EventState state, EventActor actor, EventActionRequest request, CaseParties? parties = null) =>
        EventLifecycle.Decide(new LifecycleStatus(state), actor, parties ?? AtWater, request);

    [Theory]
    [MemberData(nameof(EveryRoleForEveryAction))]
    public void Each_action_is_taken_by_its_roles_only(EventAction action, EventRole role, bool permitted)
    {
        var actor = new EventActor("someone", [role], "urban");
        var parties = new CaseParties("urban", "somebody.else");

        var decision = EventLifecycle.Decide(WhereAllowed(action), actor, parties, Complete(action));

        decision.IsAllowed.Should().Be(permitted);
        if (permitted)
        {
            decision.Role.Should().Be(role);
        }
        else
        {
            decision.Refusal!.Kind.Should().Be(RefusalKind.RoleNotPermitted);
        }
    }

    [Fact]
    public void Every_action_but_report_has_someone_who_may_take_it() =>
        Enum.GetValues<EventAction>().Where(a => a != Report)
            .Should().OnlyContain(a => EventLifecycle.Grants.Any(g => g.Action == a));

    [Fact]
    public void The_state_is_judged_before_the_actor() =>
        Decide(Closed, WaterResponder, new(Register)).Refusal!.Kind.Should().Be(RefusalKind.NotAllowedInState);

    [Fact]
    public void A_refusal_for_the_actor_still_lists_what_the_state_allows()
    {
        var refusal = Decide(Reported, WaterResponder, new(Register)).Refusal!;

        refusal.Kind.Should().Be(RefusalKind.RoleNotPermitted);
        refusal.Message.Should().Be("register needs the role operator or dispatcher or engine");
        refusal.AllowedActions.Should().Equal(Register, Reject, Merge);
    }

    [Fact]
    public void An_operator_registers_a_report()
    {
        var decision = Decide(Reported, Operator, new(Register));

        decision.Next.Should().Be(new LifecycleStatus(Registered));
        decision.Role.Should().Be(EventRole.Operator);
    }

    [Fact]
    public void The_engine_registers_dispatches_and_merges_on_its_own()
    {
        Decide(Reported, EventActor.Engine, new(Register)).Role.Should().Be(EventRole.Engine);
        Decide(Registered, EventActor.Engine, new(Dispatch, Department: "water")).IsAllowed.Should().BeTrue();
        Decide(Reported, EventActor.Engine, new(Merge, PrimaryEventId: "E1")).IsAllowed.Should().BeTrue();
        Decide(Verified, EventActor.Engine, new(Close)).Refusal!.Kind.Should().Be(RefusalKind.RoleNotPermitted);
    }

    [Fact]
    public void An_administrator_does_no_case_work() =>
        new[] { Register, Reject, Close }.Should().OnlyContain(a => !Decide(WhereAllowed(a).State, Admin, Complete(a)).IsAllowed);

    [Fact]
    public void A_responder_of_the_assigned_department_accepts_and_handles()
    {
        Decide(Dispatched, WaterResponder, new(Accept)).Next.Should().Be(new LifecycleStatus(Accepted));
        Decide(Accepted, WaterResponder, new(Handle)).Next.Should().Be(new LifecycleStatus(Handled));
    }

    [Fact]
    public void A_responder_of_another_department_may_not_accept()
    {
        var refusal = Decide(Dispatched, TrafficResponder, new(Accept)).Refusal!;

        refusal.Kind.Should().Be(RefusalKind.NotForThisCase);
        refusal.Message.Should().Be("the case is dispatched to water, not to traffic");
    }

    [Fact]
    public void A_responder_returns_a_case_that_is_not_theirs_with_a_reason()
    {
        Decide(Dispatched, WaterResponder, new(EventAction.Return)).Refusal!.Kind.Should().Be(RefusalKind.InputMissing);
        Decide(Accepted, WaterResponder, new(EventAction.Return, Reason: "   ")).Refusal!.Kind.Should().Be(RefusalKind.InputMissing);
        Decide(Accepted, WaterResponder, new(EventAction.Return, Reason: "a gas pipe, not a water main")).Next
            .Should().Be(new LifecycleStatus(Returned));
    }

    [Fact]
    public void The_dispatcher_takes_a_returned_case_and_dispatches_it_again_or_rejects_it()
    {
        Decide(Returned, WaterDispatcher, new(Dispatch, Department: "gas")).Next.Should().Be(new LifecycleStatus(Dispatched));
        Decide(Returned, WaterDispatcher, new(Reject, Reason: "private property")).Next.Should().Be(new LifecycleStatus(Rejected));
    }

    [Fact]
    public void A_dispatch_names_the_department() =>
        Decide(Registered, WaterDispatcher, new(Dispatch)).Refusal!.Message.Should().Be("dispatch needs the department to send the case to");

    [Fact]
    public void An_inspector_of_the_urban_department_verifies_a_case_someone_else_handled() =>
        Decide(Handled, Inspector, new(Verify), HandledByLi).Next.Should().Be(new LifecycleStatus(Verified));

    [Fact]
    public void The_handler_may_not_verify_their_own_work()
    {
        var urbanHandler = new EventActor("zhao.urban", [EventRole.Responder], "urban");

        var refusal = Decide(Handled, urbanHandler, new(Verify), new CaseParties("urban", "zhao.urban")).Refusal!;

        refusal.Kind.Should().Be(RefusalKind.NotForThisCase);
        refusal.Message.Should().Be("the handler of a case may not verify it");
    }

    [Fact]
    public void A_responder_outside_the_inspection_department_may_not_verify() =>
        Decide(Handled, WaterResponder, new(Verify), new CaseParties("water", "chen.water")).Refusal!.Message
            .Should().Be("only inspectors of urban verify cases");

    [Fact]
    public void The_inspection_department_is_the_city_s_choice() =>
        Decide(Handled, WaterResponder, new(Verify), new CaseParties("urban", "zhao.urban", "water")).IsAllowed.Should().BeTrue();

    [Fact]
    public void A_failed_verification_needs_a_reason_and_sends_the_case_back_for_rework()
    {
        Decide(Handled, Inspector, new(Rework), HandledByLi).Refusal!.Kind.Should().Be(RefusalKind.InputMissing);
        Decide(Handled, Inspector, new(Rework, Reason: "the cover still rocks"), HandledByLi).Next.Should().Be(new LifecycleStatus(Accepted));
    }

    [Fact]
    public void A_suspension_needs_a_reason_and_an_operator_or_admin_approval()
    {
        var noReason = Decide(Accepted, WaterResponder, new(Suspend, Approver: Operator)).Refusal!;
        var noApprover = Decide(Accepted, WaterResponder, new(Suspend, Reason: "needs a road closure permit")).Refusal!;
        var dispatcherApproval = Decide(Accepted, WaterResponder, new(Suspend, Reason: "needs a permit", Approver: WaterDispatcher)).Refusal!;

        noReason.Kind.Should().Be(RefusalKind.InputMissing);
        noApprover.Kind.Should().Be(RefusalKind.ApprovalMissing);
        noApprover.Message.Should().Be("suspend needs the approval of an operator or admin");
        dispatcherApproval.Kind.Should().Be(RefusalKind.ApprovalMissing);
        Decide(Accepted, WaterResponder, new(Suspend, Reason: "needs a permit", Approver: Admin)).Next
            .Should().Be(new LifecycleStatus(Suspended, Accepted));
    }

    [Fact]
    public void An_operator_or_admin_lifts_a_suspension()
    {
        var suspended = new LifecycleStatus(Suspended, Dispatched);

        EventLifecycle.Decide(suspended, Admin, AtWater, new(Resume)).Next.Should().Be(new LifecycleStatus(Dispatched));
        EventLifecycle.Decide(suspended, WaterResponder, AtWater, new(Resume)).Refusal!.Kind.Should().Be(RefusalKind.RoleNotPermitted);
    }

    [Fact]
    public void An_operator_reopens_a_closed_case_on_a_citizen_s_dissatisfaction()
    {
        Decide(Closed, Operator, new(Reopen)).Refusal!.Kind.Should().Be(RefusalKind.InputMissing);
        Decide(Closed, WaterDispatcher, new(Reopen, Reason: "caller not satisfied")).Refusal!.Kind.Should().Be(RefusalKind.RoleNotPermitted);
        Decide(Closed, Operator, new(Reopen, Reason: "caller not satisfied")).Next.Should().Be(new LifecycleStatus(Registered));
    }

    [Fact]
    public void A_merge_names_the_primary_case()
    {
        Decide(Reported, Operator, new(Merge)).Refusal!.Message.Should().Be("merge needs the primary case");
        Decide(Registered, Operator, new(Merge, PrimaryEventId: "E20261122-000001")).Next.Should().Be(new LifecycleStatus(Merged));
    }

    [Fact]
    public void An_actor_with_several_roles_acts_under_the_first_that_fits_the_case()
    {
        var both = new EventActor("zhou", [EventRole.Responder, EventRole.Dispatcher], "traffic");

        var decision = Decide(Accepted, both, new(Suspend, Reason: "permit", Approver: Operator));

        decision.Role.Should().Be(EventRole.Dispatcher);
    }
}
