using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using CityOps.DeviceGateway.Payloads;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

// Over 400 lines on purpose: the connection loop, its backoff, the subscriptions and the device lanes share
// one client and one stop protocol (see StopAsync); apart, each piece would need the others' state.

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// Consumes device traffic from an external MQTT broker that authenticates the devices itself. The
/// engine logs in with its own credentials and subscribes with shared subscriptions, so that every
/// gateway process in the group gets a share of the messages and each message reaches one of them.
/// Each message passes the same <see cref="DeviceAdmission"/> (revocation, the device's flood budget, allowed alarm
/// kinds) and goes through the same <see cref="DeviceMessageHandler"/> (or <see cref="AggregatorHandler"/>) as on the
/// embedded broker. Messages are handled in lanes keyed by device: one device's messages stay in
/// order, a slow device holds up only its lane. Downlink commands are published to the broker. When the
/// broker goes away the bridge reconnects with a growing backoff and logs at a bounded rate.
/// </summary>
public sealed partial class ExternalBrokerBridge : IHostedService, IAsyncDisposable
{
    private const int Lanes = 16;

    /// <summary>Small, so that little is held in memory when the broker already counts a message delivered.</summary>
    private const int LaneCapacity = 64;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A connection that lasts this long proves the broker and the configuration good; backoff starts again from 1 s.</summary>
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    /// <summary>How often the connection is looked at even without a disconnect event, in case one was missed.</summary>
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    private readonly ExternalBrokerOptions _options;
    private readonly string _root;
    private readonly DeviceDirectory _devices;
    private readonly DeviceMessageHandler _handler;
    private readonly DeviceAdmission _admission;
    private readonly AggregatorHandler _aggregators;
    private readonly TimeProvider _clock;
    private readonly ILogger<ExternalBrokerBridge> _logger;
    private readonly LogThrottle _logThrottle;
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _clientOptions;
    private readonly string[] _topicFilters;
    private readonly Channel<Work>[] _lanes;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _dropped = new(0);
    private Task? _connectionLoop;
    private Task[] _workers = [];
    private long _accepted;
    private long _refused;
    private int _disposed;

    public ExternalBrokerBridge(
        IOptions<ExternalBrokerOptions> options,
        IOptions<GatewayOptions> gatewayOptions,
        DeviceDirectory devices,
        DeviceMessageHandler handler,
        DeviceAdmission admission,
        AggregatorHandler aggregators,
        TimeProvider clock,
        ILogger<ExternalBrokerBridge> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(gatewayOptions);
        _options = options.Value;
        _root = gatewayOptions.Value.TopicRoot;
        _devices = devices;
        _handler = handler;
        _admission = admission;
        _aggregators = aggregators;
        _clock = clock;
        _logger = logger;
        _logThrottle = new LogThrottle(clock);
        ClientId = _options.ClientId is { Length: > 0 } id ? id : $"cityops-{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";

        var group = $"$share/{_options.SharedGroup}/{_root}";
        _topicFilters =
        [
            $"{group}/+/telemetry",
            $"{group}/+/status",
            $"{group}/+/alarm",
            $"{group}/+/detections",
            $"{group}/+/commands/ack",
            $"{group}/gw/+/telemetry",
        ];

        // A clean start: a made-up client id would leave an orphaned session at the broker after every restart.
        var clientOptions = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart()
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(ConnectTimeout);
        if (!string.IsNullOrEmpty(_options.Username))
        {
            clientOptions.WithCredentials(_options.Username, _options.Password);
        }

        _clientOptions = clientOptions.Build();
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _lanes = [.. Enumerable.Range(0, Lanes).Select(_ => Channel.CreateBounded<Work>(new BoundedChannelOptions(LaneCapacity) { SingleReader = true }))];
    }

    public string ClientId { get; }

    public bool IsConnected => _client.IsConnected;

    public string Broker => $"{_options.Host}:{_options.Port}";

    /// <summary>Messages this bridge handled and applied, since it started.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Messages this bridge handled and refused (each also counted by reason in <see cref="GatewayMetrics"/>).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _workers = [.. _lanes.Select(lane => Task.Run(() => WorkAsync(lane.Reader), CancellationToken.None))];

        // One attempt before the engine counts as started, so that the first messages are not missed while the
        // broker is up; a broker that is down does not hold up the start, the loop keeps trying.
        await TryConnectAsync(cancellationToken);
        _connectionLoop = Task.Run(() => KeepConnectedAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_connectionLoop is not null)
        {
            await _connectionLoop;
        }

        // Unsubscribe first, so the broker passes the group's messages to the other gateways; then finish what is queued.
        await QuietlyAsync(() => _client.UnsubscribeAsync(UnsubscribeOptions(), cancellationToken));
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        await Task.WhenAll(_workers).WaitAsync(cancellationToken);
        await QuietlyAsync(() => _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes the bridge once for each service it is registered as.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // A bridge disposed without being stopped still ends its loop and its lanes before its parts go.
        await _stopping.CancelAsync();
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        if (_connectionLoop is not null)
        {
            await _connectionLoop;
        }

        _client.Dispose();
        _stopping.Dispose();
        _dropped.Dispose();
    }

    /// <summary>
    /// Publishes the command to <c>{root}/{deviceId}/commands</c>. When the broker cannot be reached the
    /// command is not lost from sight: the twin sends it again after its timeout, or marks it timed out.
    /// </summary>
    public async Task SendAsync(string deviceId, DeviceCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var topic = DeviceTopic.Format(_root, deviceId, DeviceChannel.Commands);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(CommandPayload(command))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            var result = await _client.PublishAsync(message, cancellationToken);
            if (!result.IsSuccess && _logThrottle.ShouldLog("command"))
            {
                LogCommandRefused(topic, Broker, result.ReasonCode.ToString());
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (_logThrottle.ShouldLog("command"))
            {
                LogCommandNotSent(topic, Broker, ex.Message);
            }
        }
    }

    private static byte[] CommandPayload(DeviceCommand command)
    {
        using var args = JsonDocument.Parse(command.Args);
        return JsonSerializer.SerializeToUtf8Bytes(new { id = command.Id, name = command.Name, args = args.RootElement });
    }

    private async Task KeepConnectedAsync(CancellationToken stopping)
    {
        var failures = 0;
        DateTimeOffset? connectedAt = _client.IsConnected ? _clock.GetUtcNow() : null;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (_client.IsConnected)
                {
                    await _dropped.WaitAsync(CheckEvery, stopping);
                    continue;
                }

                // A connection that did not last counts as a failure: two gateways given the same client id
                // would otherwise throw each other off the broker at full speed.
                if (connectedAt is { } since)
                {
                    connectedAt = null;
                    if (_clock.GetUtcNow() - since < StableAfter)
                    {
                        await Task.Delay(Backoff(++failures), _clock, stopping);
                    }
                    else
                    {
                        failures = 0;
                    }
                }

                if (await TryConnectAsync(stopping))
                {
                    connectedAt = _clock.GetUtcNow();
                }
                else
                {
                    await Task.Delay(Backoff(++failures), _clock, stopping);
                }
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Stopping: whatever the attempt under way threw (a refused connection included) ends with the loop.
        }
    }

    /// <summary>1 s, 2 s, 4 s … up to 30 s, each ±50 %, so that a group of gateways does not reconnect in lockstep.</summary>
    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 5))) * (0.5 + Random.Shared.NextDouble()));

    private async Task<bool> TryConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            var connected = await _client.ConnectAsync(_clientOptions, timeout.Token);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
            {
                LogUnreachable(connected.ResultCode.ToString());
                return false;
            }

            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var filter in _topicFilters)
            {
                subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
            }

            var subscribed = await _client.SubscribeAsync(subscribe.Build(), timeout.Token);
            if (subscribed.Items.FirstOrDefault(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2) is { } refused)
            {
                // Connected but deaf is worse than disconnected: the health check would say all is well.
                LogUnreachable($"subscription to {refused.TopicFilter.Topic} refused ({refused.ResultCode})");
                await QuietlyAsync(() => _client.DisconnectAsync(cancellationToken: CancellationToken.None));
                return false;
            }

            LogConnected(Broker, ClientId, _options.SharedGroup);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(ex.Message);
            await QuietlyAsync(() => _client.DisconnectAsync(cancellationToken: CancellationToken.None));
            return false;
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        if (args.ClientWasConnected && !_stopping.IsCancellationRequested)
        {
            LogUnreachable($"connection lost ({args.Reason})");
            _dropped.Release();
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs on MQTTnet's receive loop: only sorts the message into its lane; the broker gets the PUBACK once it is queued.</summary>
    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        Work work;
        if (AggregatorTopic.TryParse(_root, message.Topic, out var gatewayId))
        {
            work = new Work(gatewayId, null, message.Payload);
        }
        else if (DeviceTopic.TryParse(_root, message.Topic, out var topic) && topic.Channel != DeviceChannel.Commands)
        {
            work = new Work(topic.DeviceId, topic, message.Payload);
        }
        else
        {
            _handler.Refused(RejectReason.UnknownTopic, ClientId, message.Topic);
            Interlocked.Increment(ref _refused);
            return;
        }

        try
        {
            await _lanes[(uint)StringComparer.Ordinal.GetHashCode(work.Key) % Lanes].Writer.WriteAsync(work);
        }
        catch (ChannelClosedException)
        {
            // Stopping: without a PUBACK the broker may hand the message to another gateway of the group.
            args.ProcessingFailed = true;
        }
    }

    private async Task WorkAsync(ChannelReader<Work> lane)
    {
        await foreach (var work in lane.ReadAllAsync())
        {
            MessageOutcome outcome;
            try
            {
                outcome = work.Topic is { } topic
                    ? await HandleDeviceMessageAsync(topic, work.Payload)
                    : await _aggregators.HandleAsync(work.Key, work.Payload);
            }
            catch (Exception ex)
            {
                // A lane that stopped would hold up its devices for good, so even the unexpected is only counted.
                _handler.Refused(RejectReason.ProcessingFailed, work.Key, ex.Message);
                outcome = MessageOutcome.Reject(RejectReason.ProcessingFailed, ex.Message);
            }

            if (outcome.IsAccepted)
            {
                Interlocked.Increment(ref _accepted);
            }
            else
            {
                Interlocked.Increment(ref _refused);
            }
        }
    }

    private async ValueTask<MessageOutcome> HandleDeviceMessageAsync(DeviceTopic topic, ReadOnlySequence<byte> payload)
    {
        DeviceFacts? device;
        try
        {
            device = await _devices.FindAsync(topic.DeviceId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _handler.Refused(RejectReason.ProcessingFailed, $"{topic.DeviceId}/{topic.Channel}", ex.Message);
            return MessageOutcome.Reject(RejectReason.ProcessingFailed, ex.Message);
        }

        if (device is null)
        {
            _handler.Refused(RejectReason.UnknownDevice, $"{topic.DeviceId}/{topic.Channel}", "no such device");
            return MessageOutcome.Reject(RejectReason.UnknownDevice, topic.DeviceId);
        }

        if (_admission.Admit(topic.DeviceId, device.Kind, device.Revoked, device.ExpectedIntervalSeconds, topic.Channel, payload) is { } refused)
        {
            return MessageOutcome.Reject(refused, topic.DeviceId);
        }

        var twin = device.Twin;
        try
        {
            // The bridge does not see devices connect; a device announces itself online when it does, and that
            // is when it may count its sequence numbers from 1 again.
            if (topic.Channel == DeviceChannel.Status && StatusParser.Parse(payload) is { IsOk: true, Value.Online: true })
            {
                await twin.ReportConnected(cleanSession: true);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _handler.Refused(RejectReason.ProcessingFailed, $"{topic.DeviceId}/{topic.Channel}", ex.Message);
            return MessageOutcome.Reject(RejectReason.ProcessingFailed, ex.Message);
        }

        return await _handler.HandleAsync(twin, topic, payload);
    }

    private MqttClientUnsubscribeOptions UnsubscribeOptions()
    {
        var unsubscribe = new MqttClientUnsubscribeOptionsBuilder();
        foreach (var filter in _topicFilters)
        {
            unsubscribe.WithTopicFilter(filter);
        }

        return unsubscribe.Build();
    }

    /// <summary>For goodbyes to a broker that may already be gone: nothing is left to do if they fail.</summary>
    private static async Task QuietlyAsync(Func<Task> goodbye)
    {
        try
        {
            await goodbye();
        }
        catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException or OperationCanceledException)
        {
            // Already disconnected.
        }
    }

    private void LogUnreachable(string reason)
    {
        if (_logThrottle.ShouldLog("connection"))
        {
            LogNotConnected(Broker, reason);
        }
    }

    /// <param name="Key">The device id, or for an aggregator's batch (no <paramref name="Topic"/>) the gateway id.</param>
    private sealed record Work(string Key, DeviceTopic? Topic, ReadOnlySequence<byte> Payload);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the external MQTT broker {Broker} as {ClientId}, shared group {Group}")]
    private partial void LogConnected(string broker, string clientId, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not connected to the external MQTT broker {Broker}: {Reason}; retrying")]
    private partial void LogNotConnected(string broker, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The external MQTT broker {Broker} refused the command on {Topic}: {Reason}")]
    private partial void LogCommandRefused(string topic, string broker, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A command on {Topic} could not be sent to the external MQTT broker {Broker}: {Reason}")]
    private partial void LogCommandNotSent(string topic, string broker, string reason);
}
