using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

/// <summary>Readings applied to a twin's state, without a cluster.</summary>
public class TwinReadingsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private static TelemetryReport Reading(DateTimeOffset at, double value, long? seq = null) =>
        new(at, seq, new Dictionary<string, double> { ["pm25"] = value });

    [Fact]
    public void A_sequence_number_seen_recently_is_a_redelivery()
    {
        var twin = new DeviceTwinState();

        TwinReadings.IsNew(twin, Reading(T0, 1, seq: 7)).Should().BeTrue();
        TwinReadings.IsNew(twin, Reading(T0, 1, seq: 7)).Should().BeFalse();
        TwinReadings.IsNew(twin, Reading(T0, 1)).Should().BeTrue();
    }

    [Fact]
    public void An_older_reading_goes_into_history_but_does_not_replace_the_latest_value()
    {
        var twin = new DeviceTwinState();
        var history = new MetricHistory(new DeviceHistoryState());
        var evaluated = new List<double>();
        bool Evaluate(string metric, double value, DateTimeOffset at)
        {
            evaluated.Add(value);
            return false;
        }

        TwinReadings.Apply(twin, history, Reading(T0.AddMinutes(10), 30), T0.AddMinutes(10), Evaluate);
        TwinReadings.Apply(twin, history, Reading(T0, 10), T0.AddMinutes(10), Evaluate);

        twin.Values["pm25"].Value.Should().Be(30);
        evaluated.Should().Equal(30);
        history.Query("pm25", T0.AddHours(-1), T0.AddHours(1)).Should().HaveCount(2);
    }

    [Fact]
    public void A_reading_that_would_give_the_twin_too_many_metrics_is_refused_but_known_metrics_are_not()
    {
        var twin = new DeviceTwinState();
        for (var i = 0; i < TwinReadings.MaxMetrics; i++)
        {
            twin.SetLatest($"m{i}", new MetricReading(i, T0));
        }

        TwinReadings.WouldExceedMetrics(twin, new TelemetryReport(T0, null, new Dictionary<string, double> { ["m0"] = 1 })).Should().BeFalse();
        TwinReadings.WouldExceedMetrics(twin, new TelemetryReport(T0, null, new Dictionary<string, double> { ["new"] = 1 })).Should().BeTrue();
    }
}
