using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

public class DetectionRuleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 22, 12, 0, 0, TimeSpan.FromHours(8));

    private static readonly DetectionThreshold Parking = new() { MinConfidence = 0.8, Window = TimeSpan.FromMinutes(30) };

    [Fact]
    public void A_confident_first_detection_raises_its_alarm()
    {
        DetectionRule.Decide(Parking, 0.93, Noon, lastRaisedAt: null).Should().Be(DetectionOutcome.Raised);
    }

    [Theory]
    [InlineData(0.79, DetectionOutcome.BelowThreshold)]
    [InlineData(0.8, DetectionOutcome.Raised)]
    public void A_detection_less_confident_than_its_kinds_threshold_raises_nothing(double confidence, DetectionOutcome expected)
    {
        DetectionRule.Decide(Parking, confidence, Noon, lastRaisedAt: null).Should().Be(expected);
    }

    [Fact]
    public void A_detection_without_a_confidence_is_taken_as_certain()
    {
        DetectionRule.Decide(new DetectionThreshold { MinConfidence = 1 }, null, Noon, lastRaisedAt: null).Should().Be(DetectionOutcome.Raised);
    }

    [Theory]
    [InlineData(0, DetectionOutcome.Repeated)]
    [InlineData(29, DetectionOutcome.Repeated)]
    [InlineData(30, DetectionOutcome.Raised)]
    [InlineData(-5, DetectionOutcome.Repeated)]
    public void The_same_kind_again_within_the_window_is_a_repeat_and_after_it_raises_again(int minutesLater, DetectionOutcome expected)
    {
        DetectionRule.Decide(Parking, 0.95, Noon.AddMinutes(minutesLater), lastRaisedAt: Noon).Should().Be(expected);
    }

    [Fact]
    public void A_repeat_below_the_threshold_counts_as_below_the_threshold()
    {
        DetectionRule.Decide(Parking, 0.5, Noon.AddMinutes(1), lastRaisedAt: Noon).Should().Be(DetectionOutcome.BelowThreshold);
    }

    [Fact]
    public void Kinds_without_settings_of_their_own_take_the_default()
    {
        var options = new DetectionOptions
        {
            Default = new DetectionThreshold { MinConfidence = 0.6, Window = TimeSpan.FromMinutes(10) },
            Kinds = { ["smoke_fire"] = new DetectionThreshold { MinConfidence = 0.4, Window = TimeSpan.FromMinutes(5) } },
        };

        options.For("smoke_fire").MinConfidence.Should().Be(0.4);
        options.For("crowding").Should().BeSameAs(options.Default);
    }

    [Fact]
    public void Settings_out_of_range_are_named_with_their_keys()
    {
        var options = new DetectionOptions
        {
            Kinds =
            {
                ["crowding"] = new DetectionThreshold { MinConfidence = 1.5 },
                ["smoke_fire"] = new DetectionThreshold { Window = TimeSpan.FromMinutes(-1) },
            },
        };

        options.Problems().Should().BeEquivalentTo(
            "Detections:Kinds:crowding:MinConfidence must be between 0 and 1 (detections carry a confidence in [0, 1]).",
            "Detections:Kinds:smoke_fire:Window must not be negative.");
        new DetectionOptions().Problems().Should().BeEmpty();
    }
}
