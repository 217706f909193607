using System.Collections.Concurrent;
using System.Diagnostics;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace CityOps.Samples.LoadGen;

/// <summary>One MQTT connection of the load: a device on its own, or an aggregator.</summary>
public sealed class Publisher : IDisposable
{
    private readonly ConnectionStats _stats;
    private long _seq;
    private volatile bool _leaving;

    public Publisher(MqttClientFactory factory, string id, string? secret, string topic, long firstSeq, ConnectionStats stats)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Id = id;
        Secret = secret;
        Topic = topic;
        _seq = firstSeq - 1;
        _stats = stats;
        Client = factory.CreateMqttClient();
        Client.DisconnectedAsync += args =>
        {
            if (args.ClientWasConnected && !_leaving)
            {
                _stats.Dropped(args.Reason.ToString());
            }

            return Task.CompletedTask;
        };
    }

    public string Id { get; }

    public string? Secret { get; }

    public string Topic { get; }

    public IMqttClient Client { get; }

    public long NextSeq() => Interlocked.Increment(ref _seq);

    public async Task ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(Id)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart()
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithTimeout(TimeSpan.FromSeconds(30));
        if (Secret is not null)
        {
            builder = builder.WithCredentials(Id, Secret);
        }

        _stats.Attempt();
        try
        {
            var result = await Client.ConnectAsync(builder.Build(), cancellationToken);
            if (result.ResultCode == MqttClientConnectResultCode.Success)
            {
                _stats.Connect();
            }
            else
            {
                _stats.Refuse(result.ResultCode.ToString());
            }
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            _stats.Refuse(RefusalOf(e.Message));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _stats.Fail("timeout");
        }
        catch (Exception e) when (e is MqttCommunicationException or System.Net.Sockets.SocketException or IOException)
        {
            _stats.Fail(e.InnerException?.GetType().Name ?? e.GetType().Name);
        }
    }

    /// <summary>MQTTnet names the broker's reason code in the refusal's message, "… failed (BadUserNameOrPassword)."</summary>
    internal static string RefusalOf(string message)
    {
        var open = message.LastIndexOf('(');
        var close = message.LastIndexOf(')');
        return open >= 0 && close > open + 1 ? message[(open + 1)..close] : "refused";
    }

    public async Task LeaveAsync()
    {
        _leaving = true;
        if (!Client.IsConnected)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await Client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token);
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or IOException)
        {
            // Leaving anyway; the broker notices the closed socket.
        }
    }

    public void Dispose() => Client.Dispose();

    /// <summary>Opens the connections at most <paramref name="perSecond"/> a second, so thousands do not arrive as one SYN storm.</summary>
    public static async Task ConnectAllAsync(IReadOnlyList<Publisher> publishers, string host, int port, double perSecond, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publishers);
        using var gate = new SemaphoreSlim(512);
        var watch = Stopwatch.StartNew();
        var tasks = new List<Task>(publishers.Count);
        for (var i = 0; i < publishers.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond) - watch.Elapsed;
            if (due > TimeSpan.FromMilliseconds(5))
            {
                await Task.Delay(due, cancellationToken);
            }

            await gate.WaitAsync(cancellationToken);
            var publisher = publishers[i];
            tasks.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        await publisher.ConnectAsync(host, port, cancellationToken);
                    }
                    finally
                    {
                        gate.Release();
                    }
                },
                cancellationToken));
        }

        await Task.WhenAll(tasks);
    }

    public static async Task LeaveAllAsync(IEnumerable<Publisher> publishers)
    {
        using var gate = new SemaphoreSlim(256);
        await Task.WhenAll(publishers.Select(async p =>
        {
            await gate.WaitAsync();
            try
            {
                await p.LeaveAsync();
            }
            finally
            {
                gate.Release();
            }
        }));
    }
}

/// <summary>What became of the connections of one kind (devices or aggregators). Thread-safe.</summary>
public sealed class ConnectionStats
{
    private readonly ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _failed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _dropped = new(StringComparer.Ordinal);
    private long _attempted;
    private long _connected;
    private readonly Stopwatch _watch = new();
    private TimeSpan _lastConnectAt;

    public void Attempt()
    {
        _watch.Start();
        Interlocked.Increment(ref _attempted);
    }

    public void Connect()
    {
        Interlocked.Increment(ref _connected);
        _lastConnectAt = _watch.Elapsed;
    }

    public void Refuse(string reason) => _refused.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void Fail(string error) => _failed.AddOrUpdate(error, 1, (_, n) => n + 1);

    public void Dropped(string reason) => _dropped.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public ConnectionFigures Figures() => new(
        Interlocked.Read(ref _attempted),
        Interlocked.Read(ref _connected),
        new SortedDictionary<string, long>(_refused, StringComparer.Ordinal),
        new SortedDictionary<string, long>(_failed, StringComparer.Ordinal),
        new SortedDictionary<string, long>(_dropped, StringComparer.Ordinal),
        Math.Round(_lastConnectAt.TotalSeconds, 2));
}

/// <summary>Connections attempted, made, refused by the broker's reason code, failed by error, and dropped while the load ran.</summary>
public sealed record ConnectionFigures(
    long Attempted,
    long Connected,
    IReadOnlyDictionary<string, long> Refused,
    IReadOnlyDictionary<string, long> Failed,
    IReadOnlyDictionary<string, long> Dropped,
    double SecondsToConnectAll);

/// <summary>Publishes one message and books its outcome; <see cref="InFlight"/> bounds how many wait for an answer.</summary>
public sealed class PublishDesk(int qos, TimeSpan timeout, CancellationToken abandon)
{
    private long _inFlight;

    public long InFlight => Interlocked.Read(ref _inFlight);

    public MqttQualityOfServiceLevel Qos { get; } = qos == 0 ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce;

    /// <remarks>
    /// The publish itself is never cancelled: MQTTnet abandons a packet half written when its token fires while the
    /// socket is full (a broker that reads slowly), and the next packet's bytes then land inside the broker's reading
    /// of that one. Only the wait for the answer ends, at the deadline or when the run is abandoned; an answer that
    /// comes later is counted as <see cref="PublishLedger.AnsweredLate"/>, not booked twice.
    /// </remarks>
    public async Task PublishAsync(Publisher publisher, byte[] payload, int items, PublishLedger ledger, LatencyHistogram? acks)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(ledger);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(publisher.Topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(Qos)
            .Build();
        Interlocked.Increment(ref _inFlight);
        ledger.Send(items);
        var started = Stopwatch.GetTimestamp();
        Task<MqttClientPublishResult>? publish = null;
        try
        {
            publish = publisher.Client.PublishAsync(message, CancellationToken.None);
            var result = await publish.WaitAsync(timeout, abandon);
            if (Qos == MqttQualityOfServiceLevel.AtMostOnce || (int)result.ReasonCode < 0x80)
            {
                ledger.Acknowledge(items);
                acks?.Record((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }
            else
            {
                ledger.Refuse(result.ReasonCode.ToString());
            }
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            ledger.Unanswer();
            _ = publish?.ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        ledger.AnswerLate();
                    }
                    else
                    {
                        _ = t.Exception;
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        catch (MqttClientNotConnectedException)
        {
            ledger.Fail("notConnected");
        }
        catch (Exception e)
        {
            // Whatever went wrong is booked by its type: the ledger must account for every publish.
            ledger.Fail(e.GetType().Name);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
