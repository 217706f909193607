using System.Collections.Concurrent;
using CityOps.DashboardHost.Events;
using CityOps.DashboardHost.Situation;
using CityOps.Grains.Interfaces.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityOps.DashboardHost.Tests.Situation;

public class SituationSessionTests
{
    private static SituationOptions Fast => Options(TimeSpan.FromMilliseconds(300));

    private static SituationOptions Options(TimeSpan sendTimeout) => new()
    {
        FrameInterval = TimeSpan.FromMilliseconds(20),
        SendTimeout = sendTimeout,
        KpiRefreshInterval = TimeSpan.FromMilliseconds(100),
    };

    private static Task<KpiResponse> NoKpis(string region, CancellationToken cancellationToken) =>
        Task.FromResult(KpiResponse.Of(KpiScopes.Region(region), DateOnly.FromDateTime(Changes.At.UtcDateTime), DateOnly.FromDateTime(Changes.At.UtcDateTime), EventKpiCounters.None, DateOnly.FromDateTime(Changes.At.UtcDateTime)));

    private static SituationFrame Snapshot(string region) => new(0, region, [], [], [], [], null);

    [Fact]
    public async Task The_snapshot_goes_first_then_deltas_with_seq_increasing_by_one()
    {
        var sent = new BlockingCollection<(string Method, SituationFrame Frame)>();
        await using var session = new SituationSession("c1", (m, f, _) => { sent.Add((m, f), CancellationToken.None); return Task.CompletedTask; }, () => { }, NoKpis, Fast, TimeProvider.System, NullLogger.Instance);
        session.Start("990101001", allDevices: true, _ => true);
        session.Offer(Changes.Of(devices: [Changes.Device("WL-1")]));
        session.SetSnapshot(Snapshot("990101001"));

        var snapshot = Take(sent);
        var buffered = Take(sent);
        session.Offer(Changes.Of(devices: [Changes.Device("WL-2")]));
        var later = Take(sent);

        new[] { snapshot, buffered, later }.Select(f => (f.Method, f.Frame.Seq)).Should().Equal(("Snapshot", 1L), ("Delta", 2L), ("Delta", 3L));
        buffered.Frame.Devices.Select(d => d.Id).Should().Equal("WL-1");
        later.Frame.Devices.Select(d => d.Id).Should().Equal("WL-2");
    }

    [Fact]
    public async Task A_slow_client_gets_fewer_fuller_frames()
    {
        var release = new TaskCompletionSource();
        var sent = new BlockingCollection<SituationFrame>();
        await using var session = new SituationSession(
            "c1",
            async (m, f, _) =>
            {
                sent.Add(f, CancellationToken.None);
                if (f.Seq == 2)
                {
                    await release.Task;
                }
            },
            () => { },
            NoKpis,
            Options(TimeSpan.FromMinutes(1)),
            TimeProvider.System,
            NullLogger.Instance);
        session.Start("990101001", allDevices: true, _ => true);
        session.SetSnapshot(Snapshot("990101001"));
        Take(sent);
        session.Offer(Changes.Of(devices: [Changes.Device("WL-0")]));
        Take(sent).Seq.Should().Be(2);

        // While the client does not take frame 2, changes pile up by id, not as frames.
        for (var i = 1; i <= 20; i++)
        {
            session.Offer(Changes.Of(devices: [Changes.Device("WL-" + (i % 4), i)]));
        }

        release.SetResult();
        var next = Take(sent);

        next.Seq.Should().Be(3);
        next.Devices.Select(d => d.Id).Should().BeEquivalentTo("WL-0", "WL-1", "WL-2", "WL-3");
        next.Devices.Single(d => d.Id == "WL-0").Values["waterLevelCm"].Should().Be(20);
    }

    [Fact]
    public async Task A_send_that_outlasts_the_timeout_is_abandoned_and_the_client_disconnected()
    {
        var aborted = new TaskCompletionSource();
        await using var session = new SituationSession(
            "c1", (m, f, _) => new TaskCompletionSource().Task, () => aborted.TrySetResult(), NoKpis, Fast, TimeProvider.System, NullLogger.Instance);
        var abandoned = false;
        session.Abandoned += () => abandoned = true;
        session.Start("990101001", allDevices: true, _ => true);
        session.SetSnapshot(Snapshot("990101001"));

        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        abandoned.Should().BeTrue();
    }

    [Fact]
    public async Task Subscribing_again_replaces_the_region_for_the_snapshot_and_the_deltas_after_it()
    {
        var sent = new BlockingCollection<SituationFrame>();
        await using var session = new SituationSession("c1", (m, f, _) => { sent.Add(f, CancellationToken.None); return Task.CompletedTask; }, () => { }, NoKpis, Fast, TimeProvider.System, NullLogger.Instance);
        session.Start("990101001", allDevices: true, _ => true);
        session.SetSnapshot(Snapshot("990101001"));
        Take(sent);

        session.Start("990101002", allDevices: true, _ => true);
        session.Offer(Changes.Of(devices: [Changes.Device("old", cell: "9901010010010001"), Changes.Device("new", cell: "9901010020010001")]));
        session.SetSnapshot(Snapshot("990101002"));

        Take(sent).Region.Should().Be("990101002");
        Take(sent).Devices.Select(d => d.Id).Should().Equal("new");
    }

    private static T Take<T>(BlockingCollection<T> sent) =>
        sent.TryTake(out var item, TimeSpan.FromSeconds(30)) ? item : throw new TimeoutException("No frame was sent.");
}
