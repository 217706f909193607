using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;
using static CityOps.Grains.Interfaces.Events.EventAction;

namespace CityOps.Grains.Tests.Events;

public class EventKpiTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Limits of 15, 30, 480 and 240 minutes for register, dispatch, handle and verify.</summary>
    private static readonly EventTimeLimits Limits = new(new StageLimits(15, 30, 480, 240), EventUrgency.Urgent, EventUrgency.Urgent);

    /// <summary>One case driven the way its grain will: lifecycle, then clock, then KPI deltas.</summary>
    private sealed class Case
    {
        public LifecycleStatus Status { get; private set; } = LifecycleStatus.Reported;

        public StageClock? Clock { get; private set; } = StageClock.Start(EventStage.Register, Limits.LimitOf(EventStage.Register), T0);

        public EventKpiCounters Kpis { get; private set; } = EventKpi.ForReport();

        public Case Then(EventAction action, double atMinutes)
        {
            var decision = EventLifecycle.Apply(Status, action);
            decision.IsAllowed.Should().BeTrue(decision.Refusal?.Message);
            var step = StageClock.Follow(Clock, decision.Transition!, T0.AddMinutes(atMinutes), Limits);
            Kpis = Kpis.Add(EventKpi.ForTransition(decision.Transition!, step.Ended));
            (Status, Clock) = (decision.Next!, step.Clock);
            return this;
        }
    }

    private static Case OnTimeToHandled() =>
        new Case().Then(Register, 10).Then(Dispatch, 30).Then(Accept, 40).Then(Handle, 100);

    [Fact]
    public void A_case_worked_on_time_counts_each_stage_once_and_every_rate_is_one_in_one()
    {
        var kpis = OnTimeToHandled().Then(Verify, 160).Then(Close, 170).Kpis;

        kpis.Should().BeEquivalentTo(new
        {
            Reported = 1,
            Registered = 1,
            Dispatched = 1,
            DispatchedOnTime = 1,
            Handled = 1,
            HandledOnTime = 1,
            Closed = 1,
            Overdue = 0,
            RegisterStage = new StageTotals(1, 0, 600),
            DispatchStage = new StageTotals(1, 0, 1200),
            HandleStage = new StageTotals(1, 0, 4200),
            VerifyStage = new StageTotals(1, 0, 4200),
        });
        new[] { kpis.RegistrationRate, kpis.OnTimeDispatchRate, kpis.DispatchAccuracy, kpis.OnTimeHandlingRate, kpis.ClosureRate }
            .Should().AllBeEquivalentTo(new KpiRatio(1, 1));
        kpis.ReworkRate.Should().Be(new KpiRatio(0, 1));
    }

    [Fact]
    public void A_late_dispatch_is_a_dispatch_but_not_on_time_and_counts_as_overdue()
    {
        var kpis = new Case().Then(Register, 10).Then(Dispatch, 41).Kpis;

        kpis.OnTimeDispatchRate.Should().Be(new KpiRatio(0, 1));
        kpis.DispatchStage.Should().Be(new StageTotals(1, 1, 1860));
        kpis.Overdue.Should().Be(1);
    }

    [Fact]
    public void A_return_lowers_dispatch_accuracy_and_ends_the_handle_stage_without_a_handling()
    {
        var kpis = new Case().Then(Register, 1).Then(Dispatch, 2).Then(EventAction.Return, 12).Then(Dispatch, 20).Kpis;

        kpis.DispatchAccuracy.Should().Be(new KpiRatio(1, 2));
        kpis.Handled.Should().Be(0);
        kpis.HandleStage.Should().Be(new StageTotals(1, 0, 600));
        kpis.DispatchStage.Count.Should().Be(2);
    }

    [Fact]
    public void Rework_is_counted_and_the_second_handling_counts_again()
    {
        var kpis = OnTimeToHandled().Then(Rework, 130).Then(Handle, 700).Kpis;

        kpis.Reworked.Should().Be(1);
        kpis.ReworkRate.Should().Be(new KpiRatio(1, 2));
        kpis.OnTimeHandlingRate.Should().Be(new KpiRatio(1, 2));
    }

    [Fact]
    public void Suspended_time_is_left_out_of_the_stage_s_duration_and_lateness()
    {
        var kpis = OnTimeToHandled().Kpis;
        var suspended = new Case().Then(Register, 10).Then(Dispatch, 30).Then(Accept, 40)
            .Then(Suspend, 50).Then(Resume, 50 + (3 * 24 * 60)).Then(Handle, 100 + (3 * 24 * 60)).Kpis;

        suspended.HandleStage.Should().Be(kpis.HandleStage);
        suspended.Suspended.Should().Be(1);
    }

    [Fact]
    public void A_reopened_case_must_be_closed_again_before_the_closure_rate_is_whole()
    {
        var closed = OnTimeToHandled().Then(Verify, 160).Then(Close, 170);

        var reopened = closed.Then(Reopen, 2000);
        reopened.Kpis.ClosureRate.Should().Be(new KpiRatio(1, 2));

        var closedAgain = reopened.Then(Dispatch, 2010).Then(Accept, 2020).Then(Handle, 2030).Then(Verify, 2040).Then(Close, 2050);
        closedAgain.Kpis.ClosureRate.Should().Be(new KpiRatio(2, 2));
        closedAgain.Kpis.Registered.Should().Be(1);
    }

    [Fact]
    public void Merged_duplicates_count_neither_for_nor_against_the_registration_rate()
    {
        var kpis = new Case().Then(Register, 1).Kpis
            .Add(new Case().Then(Reject, 1).Kpis)
            .Add(new Case().Then(Merge, 1).Kpis);

        kpis.Reported.Should().Be(3);
        kpis.Merged.Should().Be(1);
        kpis.RegistrationRate.Should().Be(new KpiRatio(1, 2));
    }

    [Fact]
    public void A_rate_with_nothing_counted_has_no_value_rather_than_nan_or_zero()
    {
        EventKpiCounters.None.OnTimeHandlingRate.Value.Should().BeNull();
        EventKpiCounters.None.MeanStageSeconds(EventStage.Handle).Value.Should().BeNull();
    }

    [Fact]
    public void A_rate_keeps_its_exact_fraction()
    {
        var ratio = new KpiRatio(2, 3);

        ratio.Value.Should().Be(2.0 / 3.0);
        ratio.Numerator.Should().Be(2);
        ratio.Denominator.Should().Be(3);
    }

    [Fact]
    public void The_mean_time_of_a_stage_is_its_summed_seconds_over_its_count()
    {
        var kpis = OnTimeToHandled().Kpis.Add(new Case().Then(Register, 1).Then(Dispatch, 2).Then(Accept, 3).Then(Handle, 13).Kpis);

        kpis.MeanStageSeconds(EventStage.Handle).Should().Be(new KpiRatio(4200 + 660, 2));
        kpis.MeanStageSeconds(EventStage.Handle).Value.Should().Be(2430);
    }

    [Fact]
    public void Stage_durations_count_in_whole_seconds_truncated()
    {
        var delta = EventKpi.ForStage(new StageOutcome(EventStage.Register, TimeSpan.FromSeconds(59.9999), true));

        delta.RegisterStage.Should().Be(new StageTotals(1, 0, 59));
    }

    [Fact]
    public void Actions_that_count_nothing_of_their_own_add_only_their_ended_stage()
    {
        var accept = EventKpi.ForTransition(new EventTransition(EventState.Dispatched, Accept, EventState.Accepted), null);
        var verify = EventKpi.ForTransition(new EventTransition(EventState.Handled, Verify, EventState.Verified), null);

        accept.Should().Be(EventKpiCounters.None);
        verify.Should().Be(EventKpiCounters.None);
    }

    [Fact]
    public void A_report_counts_one_report() =>
        EventKpi.ForReport().Should().Be(EventKpiCounters.None with { Reported = 1 });

    [Fact]
    public void Adding_counters_is_exact_in_any_order_and_grouping()
    {
        var random = new Random(20261122);
        for (var trial = 0; trial < 200; trial++)
        {
            var (a, b, c) = (RandomCounters(random), RandomCounters(random), RandomCounters(random));

            a.Add(b).Should().Be(b.Add(a));
            a.Add(b).Add(c).Should().Be(a.Add(b.Add(c)));
            a.Add(EventKpiCounters.None).Should().Be(a);
        }
    }

    [Fact]
    public void Counters_that_would_overflow_fail_loudly_instead_of_wrapping()
    {
        var full = EventKpiCounters.None with { Closed = long.MaxValue };

        full.Invoking(f => f.Add(EventKpiCounters.None with { Closed = 1 })).Should().Throw<OverflowException>();
    }

    private static EventKpiCounters RandomCounters(Random random)
    {
        long Next() => random.NextInt64(0, 1_000_000_000_000);
        StageTotals Stage() => new(Next(), Next(), Next());
        return new(Next(), Next(), Next(), Next(), Next(), Next(), Next(), Next(), Next(), Next(), Next(), Next(), Next(), Stage(), Stage(), Stage(), Stage());
    }
}
