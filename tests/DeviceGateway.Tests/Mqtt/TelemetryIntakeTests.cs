using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CityOps.DeviceGateway.Mqtt;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Tests.Mqtt;

public sealed class TelemetryIntakeTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly GatewayMetrics _metrics;

    public TelemetryIntakeTests() => _metrics = new GatewayMetrics(_services.GetRequiredService<IMeterFactory>());

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Each_devices_readings_reach_its_twin_in_the_order_they_were_accepted()
    {
        using var intake = Intake();
        var (a, b) = (new RecordingTwin(), new RecordingTwin());
        await intake.StartAsync(CancellationToken.None);

        for (var seq = 1; seq <= 10; seq++)
        {
            (await intake.OfferAsync("A", a, Reading(seq))).Should().BeTrue();
            if (seq <= 5)
            {
                (await intake.OfferAsync("B", b, Reading(seq))).Should().BeTrue();
            }
        }

        await intake.StopAsync(CancellationToken.None);
        a.Seqs.Should().Equal(Enumerable.Range(1, 10).Select(i => (long?)i));
        b.Seqs.Should().Equal(Enumerable.Range(1, 5).Select(i => (long?)i));
        intake.Queued.Should().Be(0);
    }

    [Fact]
    public async Task Readings_queued_for_one_device_reach_its_twin_in_one_call()
    {
        using var intake = Intake();
        var twin = new RecordingTwin();
        for (var seq = 1; seq <= 100; seq++)
        {
            await intake.OfferAsync("A", twin, Reading(seq));
        }

        await intake.StartAsync(CancellationToken.None);
        await intake.StopAsync(CancellationToken.None);

        twin.Calls.Should().Be(1);
        twin.Seqs.Should().HaveCount(100);
    }

    [Fact]
    public async Task A_reading_that_finds_the_intake_full_for_the_whole_wait_is_refused()
    {
        using var intake = Intake(o => (o.IntakeCapacity, o.IntakeWait) = (2, TimeSpan.FromMilliseconds(50)));
        var twin = new RecordingTwin();

        (await intake.OfferAsync("A", twin, Reading(1))).Should().BeTrue();
        (await intake.OfferAsync("A", twin, Reading(2))).Should().BeTrue();
        (await intake.OfferAsync("A", twin, Reading(3))).Should().BeFalse();
        intake.Queued.Should().Be(2);
    }

    [Fact]
    public async Task A_reading_offered_while_the_intake_drains_waits_for_room_and_is_taken()
    {
        using var intake = Intake(o => (o.IntakeCapacity, o.IntakeWait) = (1, TimeSpan.FromSeconds(10)));
        var twin = new RecordingTwin();
        await intake.OfferAsync("A", twin, Reading(1));

        var second = intake.OfferAsync("A", twin, Reading(2)).AsTask();
        await intake.StartAsync(CancellationToken.None);

        (await second).Should().BeTrue();
        await intake.StopAsync(CancellationToken.None);
        twin.Seqs.Should().Equal(1, 2);
    }

    [Fact]
    public async Task A_stop_delivers_every_reading_already_accepted_and_refuses_new_ones()
    {
        using var intake = Intake();
        var twins = Enumerable.Range(0, 50).Select(_ => new RecordingTwin(delay: TimeSpan.FromMilliseconds(20))).ToArray();
        await intake.StartAsync(CancellationToken.None);
        for (var i = 0; i < twins.Length; i++)
        {
            await intake.OfferAsync($"D{i}", twins[i], Reading(1));
        }

        await intake.StopAsync(CancellationToken.None);

        twins.Should().OnlyContain(t => t.Seqs.Count == 1);
        (await intake.OfferAsync("D0", twins[0], Reading(2))).Should().BeFalse();
    }

    [Fact]
    public async Task A_call_that_times_out_is_made_again()
    {
        using var intake = Intake();
        var twin = new RecordingTwin(failFirst: new TimeoutException("the silo did not answer"));
        await intake.StartAsync(CancellationToken.None);

        await intake.OfferAsync("A", twin, Reading(1));
        await intake.StopAsync(CancellationToken.None);

        twin.Seqs.Should().Equal(1);
        _metrics.UndeliveredTotal.Should().Be(0);
    }

    [Fact]
    public async Task Readings_the_twin_fails_on_are_counted_as_undelivered_and_not_sent_again()
    {
        using var intake = Intake();
        var twin = new RecordingTwin(failFirst: new InvalidOperationException("not provisioned"));
        await intake.OfferAsync("A", twin, Reading(1));
        await intake.OfferAsync("A", twin, Reading(2));

        await intake.StartAsync(CancellationToken.None);
        await intake.StopAsync(CancellationToken.None);

        twin.Calls.Should().Be(1);
        _metrics.UndeliveredTotal.Should().Be(2);
    }

    [Fact]
    public async Task Readings_the_twin_refuses_are_counted_as_undelivered_and_redeliveries_as_duplicates()
    {
        using var intake = Intake();
        var twin = new RecordingTwin(answer: new TelemetryApplied(Duplicates: 1, Refused: 2));
        await intake.OfferAsync("A", twin, Reading(1));

        await intake.StartAsync(CancellationToken.None);
        await intake.StopAsync(CancellationToken.None);

        _metrics.UndeliveredTotal.Should().Be(2);
        _metrics.DuplicateTotal.Should().Be(1);
    }

    [Fact]
    public async Task A_reading_that_may_raise_an_alarm_is_applied_before_it_is_accepted()
    {
        using var intake = Intake(thresholds: new WaterAbove(15));
        var twin = new RecordingTwin();

        (await intake.OfferAsync("A", twin, Reading(1, waterLevelCm: 3))).Should().BeTrue();
        (await intake.OfferAsync("A", twin, Reading(2, waterLevelCm: 18))).Should().BeTrue();

        twin.Seqs.Should().Equal(2);
        intake.Queued.Should().Be(1);
    }

    [Fact]
    public async Task Without_thresholds_to_ask_every_reading_is_applied_before_it_is_accepted()
    {
        using var intake = Intake(thresholds: null);
        var twin = new RecordingTwin();

        await intake.OfferAsync("A", twin, Reading(1));

        twin.Seqs.Should().Equal(1);
        intake.Queued.Should().Be(0);
    }

    private TelemetryIntake Intake(Action<GatewayOptions>? configure = null) => Intake(new WaterAbove(double.MaxValue), configure);

    private TelemetryIntake Intake(IAlarmThresholds? thresholds, Action<GatewayOptions>? configure = null)
    {
        var options = new GatewayOptions();
        configure?.Invoke(options);
        return new TelemetryIntake(Options.Create(options), _metrics, TimeProvider.System, NullLogger<TelemetryIntake>.Instance, thresholds);
    }

    private static TelemetryReport Reading(long seq, double waterLevelCm) =>
        new(T0.AddSeconds(seq), seq, new Dictionary<string, double> { ["waterLevelCm"] = waterLevelCm });

    private sealed class WaterAbove(double level) : IAlarmThresholds
    {
        public bool MayRaise(TelemetryReport report) => report.Values.TryGetValue("waterLevelCm", out var value) && value > level;
    }

    private static TelemetryReport Reading(long seq) => Reading(seq, waterLevelCm: 3);

    /// <summary>A twin that records the readings it is given, in order.</summary>
    private sealed class RecordingTwin(TimeSpan delay = default, Exception? failFirst = null, TelemetryApplied answer = default) : IDeviceTwinGrain
    {
        private readonly ConcurrentQueue<long?> _seqs = new();
        private Exception? _failure = failFirst;
        private int _calls;

        public IReadOnlyList<long?> Seqs => [.. _seqs];

        public int Calls => _calls;

        public async ValueTask<TelemetryApplied> ApplyTelemetry(TelemetryReport[] reports)
        {
            Interlocked.Increment(ref _calls);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }

            if (Interlocked.Exchange(ref _failure, null) is { } failure)
            {
                throw failure;
            }

            foreach (var report in reports)
            {
                _seqs.Enqueue(report.Seq);
            }

            return answer;
        }

        public Task Provision(DeviceProfile profile) => throw new NotSupportedException();

        public ValueTask ReportConnected(bool cleanSession) => throw new NotSupportedException();

        public ValueTask<bool> ReportTelemetry(TelemetryReport report) => throw new NotSupportedException();

        public Task CheckSilence() => throw new NotSupportedException();

        public Task WritePending() => throw new NotSupportedException();

        public ValueTask ReportStatus(bool online, DateTimeOffset at) => throw new NotSupportedException();

        public ValueTask ReportDeviceEvent(DeviceEventReport report) => throw new NotSupportedException();

        public ValueTask<DetectionOutcome> ReportDetection(DeviceEventReport detection) => throw new NotSupportedException();

        public Task<bool> ClearAlarm(string kind) => throw new NotSupportedException();

        public Task<DeviceCommand> SendCommand(string name, string args, string requestedBy) => throw new NotSupportedException();

        public ValueTask AcknowledgeCommand(string commandId, bool ok, string? failure) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<DeviceCommand>> GetCommands() => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<HistoryPoint>> GetHistory(string metric, DateTimeOffset since, DateTimeOffset until) => throw new NotSupportedException();

        public ValueTask<DeviceSnapshot?> GetSnapshot() => throw new NotSupportedException();

        public Task DeliverPendingAlarms() => throw new NotSupportedException();

        public Task AlarmTaken(string idempotencyKey) => throw new NotSupportedException();
    }
}
