using CityOps.Samples.LoadGen;

namespace CityOps.Samples.Tests.LoadGen;

public sealed class PublishLedgerTests
{
    [Fact]
    public void Every_outcome_is_counted_on_its_own_and_refusals_and_failures_by_reason()
    {
        var ledger = new PublishLedger();
        for (var i = 0; i < 7; i++)
        {
            ledger.Send();
        }

        ledger.Acknowledge();
        ledger.Acknowledge();
        ledger.Refuse("QuotaExceeded");
        ledger.Refuse("QuotaExceeded");
        ledger.Refuse("PayloadFormatInvalid");
        ledger.Fail("notConnected");
        ledger.Unanswer();

        var figures = ledger.Figures();
        figures.Sent.Should().Be(7);
        figures.Acknowledged.Should().Be(2);
        figures.Refused.Should().Be(3);
        figures.RefusedByReason.Should().BeEquivalentTo(new Dictionary<string, long> { ["QuotaExceeded"] = 2, ["PayloadFormatInvalid"] = 1 });
        figures.Failed.Should().Be(1);
        figures.FailedByError.Should().ContainKey("notConnected");
        figures.Unanswered.Should().Be(1);
        figures.Unaccounted.Should().Be(0);
    }

    [Fact]
    public void A_publish_with_no_outcome_yet_is_unaccounted()
    {
        var ledger = new PublishLedger();
        ledger.Send();
        ledger.Send();
        ledger.Acknowledge();

        ledger.Pending.Should().Be(1);
        ledger.Figures().Unaccounted.Should().Be(1);
    }

    [Fact]
    public void A_batch_counts_as_one_publish_and_as_its_readings()
    {
        var ledger = new PublishLedger();
        ledger.Send(500);
        ledger.Send(500);
        ledger.Acknowledge(500);
        ledger.Refuse("PayloadFormatInvalid");

        var figures = ledger.Figures();
        figures.Sent.Should().Be(2);
        figures.Readings.Should().Be(1000);
        figures.ReadingsAcknowledged.Should().Be(500);
    }

    [Fact]
    public void An_acknowledgement_after_the_deadline_is_counted_apart_and_the_publish_stays_unanswered()
    {
        var ledger = new PublishLedger();
        ledger.Send();
        ledger.Unanswer();
        ledger.AnswerLate();

        var figures = ledger.Figures();
        figures.Unanswered.Should().Be(1);
        figures.Acknowledged.Should().Be(0);
        figures.AnsweredLate.Should().Be(1);
        figures.Unaccounted.Should().Be(0);
    }

    [Fact]
    public void A_paths_figures_count_the_window_alone_and_keep_the_warm_ups_ledger_apart()
    {
        var measured = new PublishLedger();
        var warmup = new PublishLedger();
        warmup.Send();
        warmup.Refuse("ImplementationSpecificError");
        for (var i = 0; i < 120; i++)
        {
            measured.Send();
            measured.Acknowledge();
        }

        var path = PathFigures.From(measured, warmup, new LatencyHistogram(), late: 0, TimeSpan.FromSeconds(60));

        path.AcknowledgedPerSecond.Should().Be(2);
        path.Measured.Refused.Should().Be(0);
        path.WarmupSent.Should().Be(1);
        path.Warmup!.RefusedByReason.Should().ContainKey("ImplementationSpecificError");
    }
}
