using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

public class TwinDetectionsTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly DetectionThreshold Threshold = new() { MinConfidence = 0.7, Window = TimeSpan.FromMinutes(15) };

    private static DeviceEventReport Detection(string kind, double confidence, int minutes) => new(kind, Noon.AddMinutes(minutes), confidence, null);

    [Fact]
    public void Every_detection_is_recorded_newest_first_with_what_became_of_it_and_counted_by_kind()
    {
        var twin = new DeviceTwinState();

        TwinDetections.Record(twin, Detection("crowding", 0.9, 0), Threshold).Should().Be(DetectionOutcome.Raised);
        TwinDetections.Record(twin, Detection("crowding", 0.95, 5), Threshold).Should().Be(DetectionOutcome.Repeated);
        TwinDetections.Record(twin, Detection("crowding", 0.4, 6), Threshold).Should().Be(DetectionOutcome.BelowThreshold);
        TwinDetections.Record(twin, Detection("crowding", 0.9, 16), Threshold).Should().Be(DetectionOutcome.Raised);

        twin.Detections.Select(d => d.Outcome).Should().Equal(
            DetectionOutcome.Raised, DetectionOutcome.BelowThreshold, DetectionOutcome.Repeated, DetectionOutcome.Raised);
        twin.Detections[1].Confidence.Should().Be(0.4);
        twin.DetectionTallies["crowding"].Should().Be(new DetectionTally(Raised: 2, BelowThreshold: 1, Repeated: 1));
    }

    [Fact]
    public void A_window_is_per_kind()
    {
        var twin = new DeviceTwinState();

        TwinDetections.Record(twin, Detection("crowding", 0.9, 0), Threshold);

        TwinDetections.Record(twin, Detection("smoke_fire", 0.9, 1), Threshold).Should().Be(DetectionOutcome.Raised);
    }

    [Fact]
    public void Only_the_latest_detections_are_kept_while_the_counts_go_on()
    {
        var twin = new DeviceTwinState();

        for (var i = 0; i < TwinDetections.Kept + 5; i++)
        {
            TwinDetections.Record(twin, Detection("crowding", 0.5, i), Threshold);
        }

        twin.Detections.Should().HaveCount(TwinDetections.Kept);
        twin.Detections[0].At.Should().Be(Noon.AddMinutes(TwinDetections.Kept + 4));
        twin.DetectionTallies["crowding"].BelowThreshold.Should().Be(TwinDetections.Kept + 5);
    }
}
