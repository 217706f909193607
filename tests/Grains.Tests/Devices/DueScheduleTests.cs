using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Tests.Devices;

public class DueScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_device_not_heard_from_by_its_due_moment_is_handed_out_once()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, T0.AddMinutes(3));

        schedule.TakeDue(T0.AddMinutes(2)).Should().BeEmpty();
        schedule.TakeDue(T0.AddMinutes(3)).Should().Equal(("WL-1", DeviceKind.WaterLevel));
        schedule.TakeDue(T0.AddMinutes(10)).Should().BeEmpty();
        schedule.Count.Should().Be(0);
    }

    [Fact]
    public void A_device_heard_from_again_is_due_only_at_its_latest_moment()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, T0.AddMinutes(3));
        schedule.Expect("WL-1", DeviceKind.WaterLevel, T0.AddMinutes(5));

        schedule.TakeDue(T0.AddMinutes(4)).Should().BeEmpty();
        schedule.TakeDue(T0.AddMinutes(5)).Should().Equal(("WL-1", DeviceKind.WaterLevel));
    }

    [Fact]
    public void A_forgotten_device_is_never_handed_out()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, T0.AddMinutes(3));

        schedule.Forget("WL-1");

        schedule.TakeDue(T0.AddHours(1)).Should().BeEmpty();
        schedule.Count.Should().Be(0);
    }

    [Fact]
    public void A_device_watched_again_after_being_forgotten_is_due_at_its_new_moment_only()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, T0.AddMinutes(3));
        schedule.Forget("WL-1");
        schedule.Expect("WL-1", DeviceKind.WaterLevel, T0.AddMinutes(6));

        schedule.TakeDue(T0.AddMinutes(4)).Should().BeEmpty();
        schedule.TakeDue(T0.AddMinutes(6)).Should().Equal(("WL-1", DeviceKind.WaterLevel));
    }

    [Fact]
    public void Devices_are_handed_out_only_when_their_own_moment_has_passed()
    {
        var schedule = new DueSchedule();
        for (var i = 0; i < 100; i++)
        {
            schedule.Expect($"NS-{i}", DeviceKind.Noise, T0.AddSeconds(i));
        }

        schedule.TakeDue(T0.AddSeconds(49.5)).Select(d => d.DeviceId).Should().BeEquivalentTo(Enumerable.Range(0, 50).Select(i => $"NS-{i}"));
        schedule.Count.Should().Be(50);
    }

    [Fact]
    public void Expectations_from_many_threads_each_leave_one_watch_per_device()
    {
        var schedule = new DueSchedule();

        Parallel.For(0, 10_000, i => schedule.Expect($"NS-{i % 1000}", DeviceKind.Noise, T0.AddSeconds(i)));

        schedule.Count.Should().Be(1000);
        schedule.TakeDue(T0.AddDays(1)).Should().HaveCount(1000);
    }
}
