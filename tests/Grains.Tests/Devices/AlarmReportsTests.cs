using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Devices;

/// <summary>Which alarms become case reports, and the outbox's back-off, without a cluster.</summary>
public class AlarmReportsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private static readonly CityCatalogue Catalogue = CityCatalogue.Load(SampleCity.Path);
    private static readonly DeviceProfile Camera = new("cam-1", DeviceKind.Camera, "摄像头", 114.3, 27.6, "9901010010010001", 60);

    [Fact]
    public void An_alarm_the_catalogue_ties_to_a_category_becomes_a_report_keyed_by_the_alarm()
    {
        var alarm = new DeviceAlarm("sos", AlarmSeverity.Critical, T0, null, null);

        var report = AlarmReports.For(Camera, alarm, Catalogue, T0.AddSeconds(1))!;

        report.Should().BeEquivalentTo(new
        {
            Category = Catalogue.ForAlarm("sos")!.Code,
            Channel = EventChannel.Video,
            At = T0.AddSeconds(1),
            IdempotencyKey = $"alarm:cam-1:sos:{T0.UtcTicks}",
        });
    }

    [Fact]
    public void An_alarm_of_no_category_is_no_report()
    {
        AlarmReports.For(Camera, new DeviceAlarm(TwinAlarms.OfflineAlarm, AlarmSeverity.Minor, T0, null, null), Catalogue, T0).Should().BeNull();
    }

    [Fact]
    public void The_retry_delay_doubles_from_five_seconds_up_to_two_minutes()
    {
        Enumerable.Range(0, 7).Select(n => AlarmReports.RetryDelay(n, jitter: 0).TotalSeconds).Should().Equal(5, 10, 20, 40, 80, 120, 120);
        AlarmReports.RetryDelay(0, jitter: 0.5).Should().Be(TimeSpan.FromSeconds(5.5));
    }
}
