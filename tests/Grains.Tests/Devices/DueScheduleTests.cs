using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Tests.Devices;

public class DueScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private const TwinCall Silence = TwinCall.CheckSilence;
    private const TwinCall Write = TwinCall.WritePending;

    [Fact]
    public void A_device_not_heard_from_by_its_due_moment_is_handed_out_once()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Silence, T0.AddMinutes(3));

        schedule.TakeDue(T0.AddMinutes(2)).Should().BeEmpty();
        schedule.TakeDue(T0.AddMinutes(3)).Should().Equal(new DueTwin("WL-1", DeviceKind.WaterLevel, Silence));
        schedule.TakeDue(T0.AddMinutes(10)).Should().BeEmpty();
        schedule.Count(Silence).Should().Be(0);
    }

    [Fact]
    public void A_device_heard_from_again_is_due_only_at_its_latest_moment()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Silence, T0.AddMinutes(3));
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Silence, T0.AddMinutes(5));

        schedule.TakeDue(T0.AddMinutes(4)).Should().BeEmpty();
        schedule.TakeDue(T0.AddMinutes(5)).Should().Equal(new DueTwin("WL-1", DeviceKind.WaterLevel, Silence));
    }

    [Fact]
    public void A_forgotten_device_is_never_handed_out()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Silence, T0.AddMinutes(3));

        schedule.Forget("WL-1", Silence);

        schedule.Count(Silence).Should().Be(0);
        schedule.TakeDue(T0.AddHours(1)).Should().BeEmpty();
    }

    [Fact]
    public void A_device_watched_again_after_being_forgotten_is_due_at_its_new_moment_only()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Silence, T0.AddMinutes(3));
        schedule.Forget("WL-1", Silence);
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Silence, T0.AddMinutes(6));

        schedule.TakeDue(T0.AddMinutes(4)).Should().BeEmpty();
        schedule.TakeDue(T0.AddMinutes(6)).Should().Equal(new DueTwin("WL-1", DeviceKind.WaterLevel, Silence));
    }

    [Fact]
    public void A_device_watched_again_after_its_entry_left_is_due_at_its_new_moment()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Silence, T0.AddMinutes(3));
        schedule.TakeDue(T0.AddMinutes(3)).Should().ContainSingle();

        schedule.Expect("WL-1", DeviceKind.WaterLevel, Silence, T0.AddMinutes(9));

        schedule.Count(Silence).Should().Be(1);
        schedule.TakeDue(T0.AddMinutes(8)).Should().BeEmpty();
        schedule.TakeDue(T0.AddMinutes(9)).Should().Equal(new DueTwin("WL-1", DeviceKind.WaterLevel, Silence));
    }

    [Fact]
    public void Devices_are_handed_out_only_when_their_own_moment_has_passed()
    {
        var schedule = new DueSchedule();
        for (var i = 0; i < 100; i++)
        {
            schedule.Expect($"NS-{i}", DeviceKind.Noise, Silence, T0.AddSeconds(i));
        }

        schedule.TakeDue(T0.AddSeconds(49.5)).Select(d => d.DeviceId).Should().BeEquivalentTo(Enumerable.Range(0, 50).Select(i => $"NS-{i}"));
        schedule.Count(Silence).Should().Be(50);
    }

    [Fact]
    public void A_write_due_before_the_silence_check_is_handed_out_first_and_the_check_at_its_own_moment()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Silence, T0.AddMinutes(30));
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Write, T0.AddMinutes(5));

        schedule.TakeDue(T0.AddMinutes(5)).Should().Equal(new DueTwin("WL-1", DeviceKind.WaterLevel, Write));
        schedule.TakeDue(T0.AddMinutes(29)).Should().BeEmpty();
        schedule.TakeDue(T0.AddMinutes(30)).Should().Equal(new DueTwin("WL-1", DeviceKind.WaterLevel, Silence));
        schedule.Count(Silence).Should().Be(0);
        schedule.Count(Write).Should().Be(0);
    }

    [Fact]
    public void Forgetting_one_call_leaves_the_other_due()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Write, T0.AddMinutes(5));
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Silence, T0.AddMinutes(30));

        schedule.Forget("WL-1", Write);

        schedule.Count(Write).Should().Be(0);
        schedule.Count(Silence).Should().Be(1);
        schedule.TakeDue(T0.AddMinutes(10)).Should().BeEmpty();
        schedule.TakeDue(T0.AddMinutes(30)).Should().Equal(new DueTwin("WL-1", DeviceKind.WaterLevel, Silence));
    }

    [Fact]
    public void Calls_due_at_the_same_sweep_are_both_handed_out()
    {
        var schedule = new DueSchedule();
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Write, T0.AddMinutes(5));
        schedule.Expect("WL-1", DeviceKind.WaterLevel, Silence, T0.AddMinutes(6));

        schedule.TakeDue(T0.AddMinutes(7)).Select(d => d.Call).Should().BeEquivalentTo([Write, Silence]);
    }

    [Fact]
    public void Expectations_from_many_threads_each_leave_one_watch_per_device_and_call()
    {
        var schedule = new DueSchedule();

        Parallel.For(0, 10_000, i => schedule.Expect($"NS-{i % 1000}", DeviceKind.Noise, i / 1000 % 2 == 0 ? Silence : Write, T0.AddSeconds(i)));

        schedule.Count(Silence).Should().Be(1000);
        schedule.Count(Write).Should().Be(1000);
        schedule.TakeDue(T0.AddDays(1)).Should().HaveCount(2000);
    }

    [Fact]
    public async Task After_moments_moved_while_the_sweep_took_due_calls_every_device_is_watched_once_again()
    {
        // The races between a sweep and twins moving moments are rare in one round; fifty rounds find them.
        for (var round = 0; round < 50; round++)
        {
            await SweepWhileDevicesAreExpected();
        }
    }

    private static async Task SweepWhileDevicesAreExpected()
    {
        var schedule = new DueSchedule();
        var sweeping = Task.Run(() =>
        {
            for (var sweep = 0; sweep < 2_000; sweep++)
            {
                schedule.TakeDue(T0.AddSeconds(sweep)).Should().OnlyHaveUniqueItems();
            }
        });

        Parallel.For(0, 20_000, i => schedule.Expect($"NS-{i % 100}", DeviceKind.Noise, i % 3 == 0 ? Write : Silence, T0.AddSeconds(i / 10)));
        await sweeping;
        var devices = Enumerable.Range(0, 100).Select(i => $"NS-{i}").ToList();
        foreach (var device in devices)
        {
            schedule.Expect(device, DeviceKind.Noise, Silence, T0.AddDays(1));
        }

        schedule.Count(Silence).Should().Be(100);
        schedule.TakeDue(T0.AddDays(2)).Where(d => d.Call == Silence).Select(d => d.DeviceId).Should().BeEquivalentTo(devices);
        schedule.Count(Silence).Should().Be(0);
        schedule.Count(Write).Should().Be(0);
    }
}
