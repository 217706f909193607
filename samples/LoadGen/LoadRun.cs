using System.Diagnostics;
using MQTTnet;

namespace CityOps.Samples.LoadGen;

/// <summary>
/// One run: connect the devices and aggregators (ramped), publish through the warm-up and the measured window,
/// wait for the answers, and collect every figure. Phases are told apart by the time a publish is sent.
/// </summary>
public sealed class LoadRun(LoadOptions options, TextWriter log)
{
    public const string TwinMetric = "cityops_twin_reading_age_milliseconds";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    private readonly PublishLedger _deviceWarmup = new();
    private readonly PublishLedger _deviceMeasured = new();
    private readonly PublishLedger _batchWarmup = new();
    private readonly PublishLedger _batchMeasured = new();
    private readonly LatencyHistogram _deviceAcks = new();
    private readonly LatencyHistogram _batchAcks = new();
    private readonly Stopwatch _clock = new();

    private bool Measuring => _clock.Elapsed >= options.Warmup;

    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var city = await CityFolder.ReadAsync(options.City, cancellationToken);
        if (options.Devices > city.Devices.Count)
        {
            throw new ArgumentException($"--devices {options.Devices}: the city has {city.Devices.Count} devices.");
        }

        if (options.Aggregators > city.Gateways.Count)
        {
            throw new ArgumentException($"--aggregators {options.Aggregators}: the city's gateways.json lists {city.Gateways.Count}.");
        }

        var engine = options.Mode == LoadMode.Engine;
        var factory = new MqttClientFactory();

        // A fresh seq range per run (seconds of the run's start × 1000), so a twin that remembers the seqs of an
        // earlier run against the same engine takes these as new; aggregators count in a range of their own.
        var seqBase = (startedAt.ToUnixTimeSeconds() % 1_000_000) * 1000;
        var deviceStats = new ConnectionStats();
        var aggregatorStats = new ConnectionStats();
        var own = city.Devices.Take(options.Devices).ToList();
        var devices = own.Select(d => new Publisher(factory, d.Id, d.Secret, $"city/{d.Id}/telemetry", seqBase + 1, deviceStats)).ToList();
        var aggregators = city.Gateways.Take(options.Aggregators)
            .Select(g => new AggregatorLoad(
                new Publisher(factory, g.Id, g.Secret, $"city/gw/{g.Id}/telemetry", 1, aggregatorStats),
                city.DevicesFor(g, options.Devices, options.AggregatorDevices),
                seqBase + 1_000_000_000 + 1))
            .ToList();
        foreach (var aggregator in aggregators.Where(a => a.Devices.Count == 0))
        {
            throw new ArgumentException($"aggregator {aggregator.Publisher.Id} covers no device of the city.");
        }

        log.WriteLine($"city {options.City}: {city.Devices.Count:N0} devices, {city.Gateways.Count} aggregators; "
            + $"loading {devices.Count:N0} own connections and {aggregators.Count} aggregators ({options.Mode.ToString().ToLowerInvariant()} mode, {options.Host}:{options.Port})");

        DashboardProbe? probe = null;
        CountingSubscriber? subscriber = null;
        try
        {
            if (engine)
            {
                var region = options.Region ?? CityFolder.BusiestStreet(own.Count > 0 ? own : aggregators.SelectMany(a => a.Devices));
                if (region is not null)
                {
                    probe = new DashboardProbe(region);
                    await probe.StartAsync(options.Http, options.User, options.Password, cancellationToken);
                    log.WriteLine(probe.Problem is null
                        ? $"dashboard probe subscribed to street {region} ({own.Count(d => d.CellCode.StartsWith(region, StringComparison.Ordinal)):N0} loaded devices there)"
                        : $"dashboard probe not running: {probe.Problem}");
                }
            }
            else
            {
                subscriber = new CountingSubscriber(factory);
                await subscriber.StartAsync(options.Host, options.Port, options.Qos, cancellationToken);
                log.WriteLine("counting subscriber on city/# connected");
            }

            var connecting = Stopwatch.StartNew();
            await Publisher.ConnectAllAsync(devices, options.Host, options.Port, options.ConnectRate, cancellationToken);
            await Publisher.ConnectAllAsync([.. aggregators.Select(a => a.Publisher)], options.Host, options.Port, options.ConnectRate, cancellationToken);
            log.WriteLine($"connected {deviceStats.Figures().Connected:N0} of {devices.Count:N0} devices and "
                + $"{aggregatorStats.Figures().Connected} of {aggregators.Count} aggregators in {connecting.Elapsed.TotalSeconds:F1} s");

            return await PublishAndMeasureAsync(startedAt, devices, aggregators, deviceStats, aggregatorStats, probe, subscriber, cancellationToken);
        }
        finally
        {
            await Publisher.LeaveAllAsync([.. devices, .. aggregators.Select(a => a.Publisher)]);
            if (subscriber is not null)
            {
                await subscriber.StopAsync();
                subscriber.Dispose();
            }

            if (probe is not null)
            {
                await probe.DisposeAsync();
            }

            foreach (var publisher in devices.Concat(aggregators.Select(a => a.Publisher)))
            {
                publisher.Dispose();
            }
        }
    }

    private async Task<LoadReport> PublishAndMeasureAsync(
        DateTimeOffset startedAt,
        List<Publisher> devices,
        List<AggregatorLoad> aggregators,
        ConnectionStats deviceStats,
        ConnectionStats aggregatorStats,
        DashboardProbe? probe,
        CountingSubscriber? subscriber,
        CancellationToken cancellationToken)
    {
        using var abandon = new CancellationTokenSource();
        var desk = new PublishDesk(options.Qos, PublishTimeout, abandon.Token);
        var end = options.Warmup + options.Duration;
        using var http = new HttpClient { BaseAddress = options.Http, Timeout = TimeSpan.FromSeconds(30) };
        var engine = options.Mode == LoadMode.Engine;

        log.WriteLine($"publishing: {options.Warmup.TotalSeconds:0.#} s warm-up, then {options.Duration.TotalSeconds:0.#} s measured");
        _clock.Start();
        var devicePacer = options.Rate is { } rate ? new Pacer(rate, options.MaxInFlight) : null;
        var batchPacer = options.BatchRate is { } batchRate ? new Pacer(batchRate, options.MaxInFlight) : null;
        var publishing = new List<Task>();
        if (devices.Count > 0)
        {
            publishing.Add(devicePacer is not null
                ? devicePacer.RunAsync(n => FireDevice(desk, devices[(int)(n % devices.Count)]), desk, end, cancellationToken)
                : Task.WhenAll(devices.Select(d => ClosedLoopAsync(() => PublishDevice(desk, d), end, cancellationToken))));
        }

        if (aggregators.Count > 0)
        {
            publishing.Add(batchPacer is not null
                ? batchPacer.RunAsync(n => FireBatch(desk, aggregators[(int)(n % aggregators.Count)]), desk, end, cancellationToken)
                : Task.WhenAll(aggregators.Select(a => ClosedLoopAsync(() => PublishBatch(desk, a), end, cancellationToken))));
        }

        // The window's edges: scrapes and process samples at its start, process samples at its end.
        await DelayUntil(options.Warmup, cancellationToken);
        var windowWatch = Stopwatch.StartNew();
        var metricsBefore = engine ? await ScrapeAsync(http, cancellationToken) : null;
        var generatorBefore = ProcessSample.Read(Environment.ProcessId);
        var brokerBefore = options.WatchPid is { } pid ? ProcessSample.Read(pid) : null;
        probe?.Record();
        subscriber?.Record();

        await Task.WhenAll(publishing);
        var window = windowWatch.Elapsed;
        var runtimeAfter = engine ? await ScrapeAsync(http, cancellationToken) : null;
        var generatorAfter = ProcessSample.Read(Environment.ProcessId);
        var brokerAfter = options.WatchPid is { } watched ? ProcessSample.Read(watched) : null;
        log.WriteLine($"window over after {window.TotalSeconds:F1} s; waiting up to {DrainTimeout.TotalSeconds:0} s for {desk.InFlight:N0} answers");

        var draining = Stopwatch.StartNew();
        while (desk.InFlight > 0 && draining.Elapsed < DrainTimeout)
        {
            await Task.Delay(50, cancellationToken);
        }

        await abandon.CancelAsync();
        while (desk.InFlight > 0 && draining.Elapsed < DrainTimeout + TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50, cancellationToken);
        }

        // The last readings reach the hub's frames within a frame interval or two.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        probe?.Pause();
        subscriber?.Pause();
        var metricsAfter = engine ? await ScrapeAsync(http, cancellationToken) : null;

        return new LoadReport(
            options.Mode.ToString().ToLowerInvariant(),
            startedAt,
            options,
            Math.Round(window.TotalSeconds, 3),
            deviceStats.Figures(),
            aggregatorStats.Figures(),
            PathFigures.From(_deviceMeasured, _deviceWarmup, _deviceAcks, devicePacer?.Behind ?? 0, window),
            PathFigures.From(_batchMeasured, _batchWarmup, _batchAcks, batchPacer?.Behind ?? 0, window),
            engine ? Twin(metricsBefore, metricsAfter) : null,
            probe?.Figures(),
            subscriber is null ? null : new SubscriberFigures(
                subscriber.Received,
                subscriber.Readings,
                _deviceWarmup.Acknowledged + _deviceMeasured.Acknowledged + _batchWarmup.Acknowledged + _batchMeasured.Acknowledged,
                subscriber.Latency.Summary()),
            Counter(metricsBefore, metricsAfter, "cityops_gateway_messages_accepted_total", "channel"),
            Counter(metricsBefore, metricsAfter, "cityops_gateway_messages_rejected_total", "reason"),
            Figures(Environment.ProcessId, generatorBefore, generatorAfter, window),
            options.WatchPid is { } brokerPid ? Figures(brokerPid, brokerBefore, brokerAfter, window) : null,
            RuntimeFigures.From(metricsBefore, runtimeAfter, window));
    }

    private bool FireDevice(PublishDesk desk, Publisher device)
    {
        _ = PublishDevice(desk, device);
        return true;
    }

    private Task PublishDevice(PublishDesk desk, Publisher device)
    {
        var now = DateTimeOffset.UtcNow;
        var measuring = Measuring;
        return desk.PublishAsync(
            device,
            BenchPayloads.Telemetry(now, device.NextSeq()),
            1,
            measuring ? _deviceMeasured : _deviceWarmup,
            measuring ? _deviceAcks : null);
    }

    private bool FireBatch(PublishDesk desk, AggregatorLoad aggregator)
    {
        _ = PublishBatch(desk, aggregator);
        return true;
    }

    private Task PublishBatch(PublishDesk desk, AggregatorLoad aggregator)
    {
        var now = DateTimeOffset.UtcNow;
        var measuring = Measuring;
        var entries = aggregator.Next(options.Batch);
        return desk.PublishAsync(
            aggregator.Publisher,
            BenchPayloads.Batch(now, entries),
            entries.Count,
            measuring ? _batchMeasured : _batchWarmup,
            measuring ? _batchAcks : null);
    }

    /// <summary><c>--rate max</c>: each connection publishes again as soon as its previous publish was answered.</summary>
    private async Task ClosedLoopAsync(Func<Task> publish, TimeSpan end, CancellationToken cancellationToken)
    {
        while (_clock.Elapsed < end && !cancellationToken.IsCancellationRequested)
        {
            await publish();
        }
    }

    private async Task DelayUntil(TimeSpan at, CancellationToken cancellationToken)
    {
        var wait = at - _clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }
    }

    private async Task<string?> ScrapeAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            log.WriteLine($"could not read {options.Http}metrics: {e.Message}");
            return null;
        }
    }

    private static TwinFigures Twin(string? before, string? after)
    {
        var end = after is null ? null : MetricHistogram.Parse(after, TwinMetric);
        if (end is null)
        {
            return new TwinFigures(false, 0, null, null, null, "not exported by this engine");
        }

        var delta = MetricHistogram.Delta(before is null ? null : MetricHistogram.Parse(before, TwinMetric), end);
        return new TwinFigures(
            true,
            delta.Count,
            delta.Percentile(0.50),
            delta.Percentile(0.90),
            delta.Percentile(0.99),
            "bucket resolution: each percentile lies above the lower bound and at most at the upper one");
    }

    private static IReadOnlyDictionary<string, double>? Counter(string? before, string? after, string name, string label) =>
        after is null ? null : MetricCounter.Delta(
            before is null ? new Dictionary<string, double>() : MetricCounter.Parse(before, name, label),
            MetricCounter.Parse(after, name, label));

    private static ProcessFigures? Figures(int pid, ProcessSample? before, ProcessSample? after, TimeSpan window) =>
        before is null || after is null ? null : new ProcessFigures(
            pid,
            Math.Round(ProcessSample.CpuPercent(before, after, window), 1),
            Math.Round(before.RssBytes / 1048576.0, 1),
            Math.Round(after.RssBytes / 1048576.0, 1),
            after.Threads);
}

/// <summary>An aggregator's connection and the devices it forwards for, taken in turn, each with its own seq.</summary>
public sealed class AggregatorLoad(Publisher publisher, IReadOnlyList<BenchDevice> devices, long firstSeq)
{
    private readonly long[] _seqs = [.. Enumerable.Repeat(firstSeq - 1, devices.Count)];
    private int _cursor;

    public Publisher Publisher { get; } = publisher;

    public IReadOnlyList<BenchDevice> Devices { get; } = devices;

    /// <summary>The next <paramref name="count"/> devices in turn (fewer when it covers fewer), each with its next seq.</summary>
    public IReadOnlyList<(string DeviceId, long Seq)> Next(int count)
    {
        lock (_seqs)
        {
            var entries = new List<(string, long)>(Math.Min(count, Devices.Count));
            for (var i = 0; i < Math.Min(count, Devices.Count); i++)
            {
                var at = _cursor;
                _cursor = (_cursor + 1) % Devices.Count;
                entries.Add((Devices[at].Id, ++_seqs[at]));
            }

            return entries;
        }
    }
}
