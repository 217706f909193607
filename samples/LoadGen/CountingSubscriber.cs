using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Samples.LoadGen;

/// <summary>
/// In mosquitto mode, one subscriber on <c>city/#</c> that only counts what arrives and times publish → delivery
/// from the first <c>benchSentMs</c> of each message: the broker's counterpart of the engine's twin and frame paths.
/// </summary>
public sealed class CountingSubscriber : IDisposable
{
    private readonly IMqttClient _client;
    private long _received;
    private long _readings;
    private volatile bool _recording;

    public CountingSubscriber(MqttClientFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _client = factory.CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += args =>
        {
            var now = DateTimeOffset.UtcNow;
            Interlocked.Increment(ref _received);
            var payload = args.ApplicationMessage.Payload;
            ReadOnlySpan<byte> span = payload.IsSingleSegment ? payload.FirstSpan : System.Buffers.BuffersExtensions.ToArray(payload);
            Interlocked.Add(ref _readings, span.Length > 0 && span[0] == (byte)'[' ? CountEntries(span) : 1);
            if (_recording && BenchPayloads.TryReadSentMs(span, out var sent))
            {
                Latency.Record(BenchPayloads.AgeMs(sent, now) * 1000);
            }

            return Task.CompletedTask;
        };
    }

    public long Received => Interlocked.Read(ref _received);

    public long Readings => Interlocked.Read(ref _readings);

    public LatencyHistogram Latency { get; } = new();

    public async Task StartAsync(string host, int port, int qos, CancellationToken cancellationToken)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId($"loadgen-counter-{Environment.ProcessId}")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart()
            .WithTimeout(TimeSpan.FromSeconds(30))
            .Build();
        await _client.ConnectAsync(options, cancellationToken);
        await _client.SubscribeAsync(
            "city/#",
            qos == 0 ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce,
            cancellationToken);
    }

    public void Record() => _recording = true;

    public void Pause() => _recording = false;

    public async Task StopAsync()
    {
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or IOException)
        {
            // Leaving anyway; what it counted is kept.
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Entries of a batch, counted by their <c>deviceId</c> properties.</summary>
    internal static int CountEntries(ReadOnlySpan<byte> batch)
    {
        var count = 0;
        var key = "\"deviceId\""u8;
        for (var at = batch.IndexOf(key); at >= 0; at = batch.IndexOf(key))
        {
            count++;
            batch = batch[(at + key.Length)..];
        }

        return count;
    }
}
