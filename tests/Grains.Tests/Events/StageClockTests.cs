using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;
using static CityOps.Grains.Interfaces.Events.EventAction;
using static CityOps.Grains.Interfaces.Events.EventState;

namespace CityOps.Grains.Tests.Events;

public class StageClockTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.FromHours(8));
    private static readonly TimeSpan Thirty = TimeSpan.FromMinutes(30);

    /// <summary>Limits of 5, 30, 120 and 60 minutes for register, dispatch, handle and verify.</summary>
    private static readonly EventTimeLimits Limits = new(new StageLimits(5, 30, 120, 60), EventUrgency.Urgent, EventUrgency.Urgent);

    private static StageClock Dispatching() => StageClock.Start(EventStage.Dispatch, Thirty, T0);

    [Fact]
    public void The_deadline_is_the_start_plus_the_limit() =>
        Dispatching().Deadline(T0.AddMinutes(3)).Should().Be(T0.AddMinutes(30));

    [Fact]
    public void A_suspension_moves_the_deadline_by_exactly_the_time_suspended()
    {
        var resumed = Dispatching().Pause(T0.AddMinutes(10)).Resume(T0.AddHours(26).AddSeconds(7));

        resumed.Deadline(T0.AddHours(27)).Should().Be(T0.AddMinutes(30) + TimeSpan.FromHours(26).Add(TimeSpan.FromSeconds(7)) - TimeSpan.FromMinutes(10));
        resumed.Elapsed(T0.AddHours(27)).Should().Be(TimeSpan.FromMinutes(10) + (TimeSpan.FromHours(1) - TimeSpan.FromSeconds(7)));
    }

    [Fact]
    public void Several_suspensions_add_up()
    {
        var clock = Dispatching()
            .Pause(T0.AddMinutes(5)).Resume(T0.AddMinutes(65))
            .Pause(T0.AddMinutes(70)).Resume(T0.AddMinutes(100));

        clock.Paused.Should().Be(TimeSpan.FromMinutes(90));
        clock.Deadline(T0.AddMinutes(101)).Should().Be(T0.AddMinutes(120));
    }

    [Fact]
    public void While_suspended_the_deadline_moves_on_and_escalation_stands_still()
    {
        var paused = Dispatching().Pause(T0.AddMinutes(40));

        paused.Escalation(T0.AddMinutes(40)).Should().Be(EscalationLevel.Dispatcher);
        paused.Escalation(T0.AddDays(3)).Should().Be(EscalationLevel.Dispatcher);
        paused.Deadline(T0.AddMinutes(50)).Should().Be(T0.AddMinutes(40));
        paused.NextEscalationAt(T0.AddMinutes(50)).Should().BeNull();
    }

    [Fact]
    public void Pausing_a_paused_clock_or_resuming_a_running_one_changes_nothing()
    {
        var paused = Dispatching().Pause(T0.AddMinutes(1));

        paused.Pause(T0.AddMinutes(2)).Should().Be(paused);
        Dispatching().Resume(T0.AddMinutes(2)).Should().Be(Dispatching());
    }

    [Fact]
    public void Escalation_reminders_fall_at_the_deadline_then_half_and_whole_limit_later()
    {
        var clock = Dispatching();

        clock.NextEscalationAt(T0).Should().Be(T0.AddMinutes(30));
        clock.NextEscalationAt(T0.AddMinutes(30)).Should().Be(T0.AddMinutes(45));
        clock.NextEscalationAt(T0.AddMinutes(45)).Should().Be(T0.AddMinutes(60));
        clock.NextEscalationAt(T0.AddMinutes(60)).Should().BeNull();
    }

    [Fact]
    public void Escalation_reminders_after_a_suspension_are_later_by_the_time_suspended() =>
        Dispatching().Pause(T0.AddMinutes(10)).Resume(T0.AddMinutes(70)).NextEscalationAt(T0.AddMinutes(71))
            .Should().Be(T0.AddMinutes(90));

    [Fact]
    public void A_stage_ended_at_its_deadline_is_on_time_and_one_tick_later_is_late()
    {
        Dispatching().End(T0.AddMinutes(30)).Should().Be(new StageOutcome(EventStage.Dispatch, Thirty, true));
        Dispatching().End(T0.AddMinutes(30).AddTicks(1)).OnTime.Should().BeFalse();
    }

    [Fact]
    public void Suspended_time_does_not_make_a_stage_late()
    {
        var outcome = Dispatching().Pause(T0.AddMinutes(20)).Resume(T0.AddDays(2)).End(T0.AddDays(2).AddMinutes(5));

        outcome.Should().Be(new StageOutcome(EventStage.Dispatch, TimeSpan.FromMinutes(25), true));
    }

    [Fact]
    public void A_time_before_the_start_counts_as_no_time_passed()
    {
        Dispatching().Elapsed(T0.AddMinutes(-5)).Should().Be(TimeSpan.Zero);
        Dispatching().Pause(T0.AddMinutes(-5)).Resume(T0.AddMinutes(1)).Elapsed(T0.AddMinutes(2)).Should().Be(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void The_clock_is_the_same_instant_whatever_the_offset_of_the_times_given() =>
        Dispatching().Elapsed(T0.ToUniversalTime().AddMinutes(7)).Should().Be(TimeSpan.FromMinutes(7));

    [Fact]
    public void Accepting_keeps_the_handling_clock_running()
    {
        var handling = StageClock.Start(EventStage.Handle, TimeSpan.FromMinutes(120), T0);

        var step = StageClock.Follow(handling, new EventTransition(Dispatched, Accept, Accepted), T0.AddMinutes(20), Limits);

        step.Should().Be(new ClockStep(handling, null));
    }

    [Fact]
    public void A_return_ends_the_handling_stage_and_starts_a_fresh_dispatch_stage()
    {
        var handling = StageClock.Start(EventStage.Handle, TimeSpan.FromMinutes(120), T0);

        var step = StageClock.Follow(handling, new EventTransition(Accepted, EventAction.Return, Returned), T0.AddMinutes(20), Limits);

        step.Ended.Should().Be(new StageOutcome(EventStage.Handle, TimeSpan.FromMinutes(20), true));
        step.Clock.Should().Be(StageClock.Start(EventStage.Dispatch, Thirty, T0.AddMinutes(20)));
    }

    [Fact]
    public void Rework_ends_the_verification_and_gives_the_department_a_fresh_handling_limit()
    {
        var verifying = StageClock.Start(EventStage.Verify, TimeSpan.FromMinutes(60), T0);

        var step = StageClock.Follow(verifying, new EventTransition(Handled, Rework, Accepted), T0.AddMinutes(90), Limits);

        step.Ended.Should().Be(new StageOutcome(EventStage.Verify, TimeSpan.FromMinutes(90), false));
        step.Clock!.Deadline(T0.AddMinutes(90)).Should().Be(T0.AddMinutes(210));
    }

    [Fact]
    public void Suspend_and_resume_pause_and_restart_the_same_stage()
    {
        var handling = StageClock.Start(EventStage.Handle, TimeSpan.FromMinutes(120), T0);

        var suspended = StageClock.Follow(handling, new EventTransition(Accepted, Suspend, Suspended), T0.AddMinutes(10), Limits);
        var resumed = StageClock.Follow(suspended.Clock, new EventTransition(Suspended, Resume, Accepted), T0.AddHours(5), Limits);

        suspended.Ended.Should().BeNull();
        suspended.Clock!.IsPaused.Should().BeTrue();
        resumed.Ended.Should().BeNull();
        resumed.Clock!.Deadline(T0.AddHours(5)).Should().Be(T0.AddMinutes(120).AddHours(5).AddMinutes(-10));
    }

    [Fact]
    public void Closing_ends_the_last_stage_and_stops_the_clock()
    {
        var step = StageClock.Follow(StageClock.Start(EventStage.Verify, TimeSpan.FromMinutes(60), T0), new EventTransition(Verified, Close, Closed), T0.AddMinutes(59), Limits);

        step.Should().Be(new ClockStep(null, new StageOutcome(EventStage.Verify, TimeSpan.FromMinutes(59), true)));
    }

    [Fact]
    public void Reopening_a_closed_case_starts_a_dispatch_stage() =>
        StageClock.Follow(null, new EventTransition(Closed, Reopen, Registered), T0, Limits)
            .Should().Be(new ClockStep(StageClock.Start(EventStage.Dispatch, Thirty, T0), null));

    [Fact]
    public void A_suspension_without_a_running_clock_is_a_programming_error()
    {
        var follow = () => StageClock.Follow(null, new EventTransition(Registered, Suspend, Suspended), T0, Limits);

        follow.Should().Throw<ArgumentException>();
    }
}
