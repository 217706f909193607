using System.Reflection;
using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.City;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityOps.Grains.Tests.Devices;

/// <summary>The silo's one sweep over its twins' due calls, as the process stops.</summary>
public sealed class TwinSweepTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_sweep_that_fires_after_the_engines_services_are_disposed_calls_no_twin_and_throws_nothing()
    {
        var clock = new TimerClock(T0);
        var grains = DispatchProxy.Create<IGrainFactory, CountingGrains>();
        var services = new ServiceCollection().BuildServiceProvider();
        using var sweep = new TwinSweep(grains, clock, services, NullLogger<TwinSweep>.Instance);
        sweep.CallAt("D1", DeviceKind.WaterLevel, TwinCall.CheckSilence, T0);
        clock.Advance(TimeSpan.FromSeconds(5));
        services.Dispose();

        var fire = clock.FireTimers;

        fire.Should().NotThrow("a timer's callback runs on a thread of its own, where an exception ends the process");
        ((CountingGrains)(object)grains).Calls.Should().Be(0);
    }

    [Fact]
    public void A_sweep_that_fires_after_it_is_disposed_calls_no_twin()
    {
        var clock = new TimerClock(T0);
        var grains = DispatchProxy.Create<IGrainFactory, CountingGrains>();
        using var services = new ServiceCollection().BuildServiceProvider();
        var sweep = new TwinSweep(grains, clock, services, NullLogger<TwinSweep>.Instance);
        sweep.CallAt("D1", DeviceKind.WaterLevel, TwinCall.CheckSilence, T0);
        clock.Advance(TimeSpan.FromSeconds(5));
        sweep.Dispose();

        clock.FireTimers();

        ((CountingGrains)(object)grains).Calls.Should().Be(0);
    }

    /// <summary>A grain factory that counts the grains asked of it and answers none.</summary>
    public class CountingGrains : DispatchProxy
    {
        public int Calls { get; private set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            Calls++;
            return null;
        }
    }

    /// <summary>A clock whose timers fire when the test says, not on their own, even once disposed (as a queued callback does).</summary>
    private sealed class TimerClock(DateTimeOffset start) : TimeProvider
    {
        private readonly List<TimerCallback> _callbacks = [];
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;

        public void FireTimers()
        {
            foreach (var callback in _callbacks.ToArray())
            {
                callback(null);
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _callbacks.Add(callback);
            return new Timer();
        }

        private sealed class Timer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
