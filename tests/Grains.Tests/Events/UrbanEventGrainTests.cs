using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

[Collection(EventClusterTests.Name)]
public class UrbanEventGrainTests(EventClusterFixture fixture)
{
    private readonly Cases _cases = new(fixture.Grains);

    [Fact]
    public async Task A_category_the_catalogue_registers_and_dispatches_reaches_its_responsible_department_untouched()
    {
        var result = await _cases.IntakeAsync(Cases.Report("waterlogging", Cases.NewPlace(), EventChannel.Sensor, "WL-990101-00001"));

        var view = await _cases.ViewAsync(result.EventId);
        view.Summary.State.Should().Be(EventState.Dispatched);
        view.Summary.Department.Should().Be("water");
        view.Timeline.Select(e => (e.Action, e.Actor)).Should().Equal(
            (EventAction.Report, "WL-990101-00001"), (EventAction.Register, "engine"), (EventAction.Dispatch, "engine"));
    }

    [Fact]
    public async Task A_district_row_of_the_responsibility_list_overrides_the_city_row()
    {
        var result = await _cases.IntakeAsync(Cases.Report("waterlogging", Cases.NewPlace(Cases.Lanxi), EventChannel.Sensor, "WL-990102-00001"));

        (await _cases.ViewAsync(result.EventId)).Summary.Department.Should().Be("urban");
    }

    [Fact]
    public async Task A_category_without_auto_registration_waits_for_an_operator_with_the_register_limit_running()
    {
        var id = await _cases.ReportedAsync();

        var view = await _cases.ViewAsync(id);
        view.Summary.State.Should().Be(EventState.Reported);
        view.Summary.Stage.Should().Be(EventStage.Register);
        var limit = CityCatalogue.Load(SampleCity.Path).Require("street_light_damaged").Limits.RegisterMinutes;
        view.Summary.Deadline.Should().Be(view.Summary.UpdatedAt + TimeSpan.FromMinutes(limit));
        view.AllowedActions.Should().BeEquivalentTo([EventAction.Register, EventAction.Reject, EventAction.Merge]);
    }

    [Fact]
    public async Task Case_ids_are_numbered_per_day()
    {
        var localDay = (EventClusterFixture.Clock.GetUtcNow() + TimeSpan.FromHours(8)).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

        var id = await _cases.ReportedAsync();

        id.Should().MatchRegex($@"^E{localDay}-\d{{6}}$");
    }

    [Fact]
    public async Task An_action_the_state_does_not_allow_is_refused_with_the_allowed_actions()
    {
        var id = await _cases.ReportedAsync();

        var outcome = await _cases.Case(id).Act(Cases.Responder(), new EventActionRequest(EventAction.Handle));

        outcome.Event.Should().BeNull();
        outcome.Refusal!.Kind.Should().Be(RefusalKind.NotAllowedInState);
        outcome.Refusal.AllowedActions.Should().BeEquivalentTo([EventAction.Register, EventAction.Reject, EventAction.Merge]);
    }

    [Fact]
    public async Task A_responder_of_another_department_may_not_accept()
    {
        var id = await _cases.CaseInAsync(EventState.Dispatched);

        var outcome = await _cases.Case(id).Act(Cases.Responder("traffic"), new EventActionRequest(EventAction.Accept));

        outcome.Refusal!.Kind.Should().Be(RefusalKind.NotForThisCase);
        (await _cases.ViewAsync(id)).Summary.State.Should().Be(EventState.Dispatched);
    }

    [Fact]
    public async Task Dispatch_to_a_department_the_city_does_not_have_is_refused()
    {
        var id = await _cases.CaseInAsync(EventState.Registered);

        var outcome = await _cases.Case(id).Act(Cases.Dispatcher(), new EventActionRequest(EventAction.Dispatch, Department: "nowhere"));

        outcome.Refusal!.Kind.Should().Be(RefusalKind.InputMissing);
        outcome.Refusal.Message.Should().Contain("nowhere");
    }

    [Fact]
    public async Task The_handler_may_not_verify_their_own_work()
    {
        var id = await _cases.CaseInAsync(EventState.Accepted);
        var handler = Cases.Inspector(2) with { Department = "water" };
        await _cases.ActAsync(id, handler, new EventActionRequest(EventAction.Handle));

        var outcome = await _cases.Case(id).Act(handler with { Department = "urban" }, new EventActionRequest(EventAction.Verify));

        outcome.Refusal!.Kind.Should().Be(RefusalKind.NotForThisCase);
    }

    [Fact]
    public async Task A_failed_verification_sends_the_case_back_and_counts_the_rework()
    {
        var id = await _cases.CaseInAsync(EventState.Handled);

        var view = await _cases.ActAsync(id, Cases.Inspector(), new EventActionRequest(EventAction.Rework, Reason: "cover still loose"));

        view.Summary.State.Should().Be(EventState.Accepted);
        view.Reworks.Should().Be(1);
        view.Summary.Stage.Should().Be(EventStage.Handle);
    }

    [Fact]
    public async Task A_returned_case_goes_back_to_the_dispatcher_who_sends_it_elsewhere()
    {
        var id = await _cases.CaseInAsync(EventState.Dispatched);
        await _cases.ActAsync(id, Cases.Responder(), new EventActionRequest(EventAction.Return, Reason: "street lights are not ours"));

        var view = await _cases.ActAsync(id, Cases.Dispatcher("urban"), new EventActionRequest(EventAction.Dispatch, Department: "urban"));

        view.Summary.State.Should().Be(EventState.Dispatched);
        view.Summary.Department.Should().Be("urban");
    }

    [Fact]
    public async Task A_closed_case_is_reopened_on_a_citizens_dissatisfaction()
    {
        var id = await _cases.CaseInAsync(EventState.Closed);

        var view = await _cases.ActAsync(id, Cases.Operator, new EventActionRequest(EventAction.Reopen, Reason: "citizen says the light is still out"));

        view.Summary.State.Should().Be(EventState.Registered);
        view.Summary.Stage.Should().Be(EventStage.Dispatch);
    }

    [Fact]
    public async Task Every_action_appends_one_entry_to_a_trail_that_verifies()
    {
        var id = await _cases.CaseInAsync(EventState.Closed);

        var trail = await _cases.Case(id).GetAudit();
        trail.Select(e => e.Action).Should().Equal(
            EventAction.Report, EventAction.Register, EventAction.Dispatch, EventAction.Accept, EventAction.Handle, EventAction.Verify, EventAction.Close);
        trail[^1].StateBefore.Should().Be(EventState.Verified);
        (await _cases.Case(id).VerifyAudit()).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task A_merge_folds_the_case_into_its_primary_which_counts_the_report()
    {
        var primary = await _cases.ReportedAsync();
        var duplicate = await _cases.ReportedAsync();

        var merged = await _cases.ActAsync(duplicate, Cases.Operator, new EventActionRequest(EventAction.Merge, PrimaryEventId: primary));

        merged.Summary.State.Should().Be(EventState.Merged);
        merged.MergedInto.Should().Be(primary);
        var view = await _cases.ViewAsync(primary);
        view.Summary.Reports.Should().Be(2);
        view.Duplicates.Should().Equal(duplicate);
    }

    [Fact]
    public async Task A_merge_into_a_closed_case_is_refused()
    {
        var closed = await _cases.CaseInAsync(EventState.Closed);
        var other = await _cases.ReportedAsync();

        var outcome = await _cases.Case(other).Act(Cases.Operator, new EventActionRequest(EventAction.Merge, PrimaryEventId: closed));

        outcome.Refusal!.Message.Should().Contain("closed");
    }

    [Fact]
    public async Task A_dispatcher_reassigns_a_dispatched_case_to_another_department_without_waiting_for_a_return()
    {
        var id = await _cases.CaseInAsync(EventState.Accepted);
        var deadline = (await _cases.ViewAsync(id)).Summary.Deadline;

        var view = await _cases.ActAsync(id, Cases.Dispatcher("urban"), new EventActionRequest(EventAction.Dispatch, Department: "urban", Assignee: "responder.urban.1"));

        view.Summary.State.Should().Be(EventState.Dispatched);
        view.Summary.Department.Should().Be("urban");
        view.Summary.Assignee.Should().Be("responder.urban.1");
        view.Summary.Deadline.Should().Be(deadline, "the handling clock runs on through a reassignment");
    }

    [Fact]
    public async Task The_allowed_actions_a_viewer_sees_are_those_their_role_and_department_may_take()
    {
        var id = await _cases.CaseInAsync(EventState.Dispatched);

        var water = await _cases.Case(id).GetFor(Cases.Responder("water"));
        var traffic = await _cases.Case(id).GetFor(Cases.Responder("traffic"));
        var dispatcher = await _cases.Case(id).GetFor(Cases.Dispatcher());

        water!.AllowedActions.Should().BeEquivalentTo([EventAction.Accept, EventAction.Return, EventAction.Suspend]);
        traffic!.AllowedActions.Should().BeEmpty();
        dispatcher!.AllowedActions.Should().BeEquivalentTo([EventAction.Dispatch, EventAction.Suspend]);
    }

    [Fact]
    public async Task The_state_is_judged_before_what_the_request_carries()
    {
        var id = await _cases.ReportedAsync();

        var outcome = await _cases.Case(id).Act(Cases.Dispatcher(), new EventActionRequest(EventAction.Dispatch, Department: "nowhere"));

        outcome.Refusal!.Kind.Should().Be(RefusalKind.NotAllowedInState);
    }
}
