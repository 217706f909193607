using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Samples.DeviceSimulator;

/// <summary>What all simulated devices share: where the brokers are, the clock, and how to report trouble.</summary>
internal sealed record SimulationContext(
    MqttClientFactory Factory,
    IReadOnlyList<BrokerEndpoint> Brokers,
    string TopicRoot,
    SimulatedClock Clock,
    double OfflineRate,
    BoundedLog Log,
    Action<SimulatedDevice> ConnectionLost,
    CancellationToken Stopping);

/// <summary>
/// One device on its own MQTT connection. <see cref="StepAsync"/> does whatever is due next — connect, report, or
/// drop offline for a while — and sets <see cref="NextDue"/>; the scheduler never runs two steps of a device at once.
/// Commands arrive on MQTTnet's threads and are answered there.
/// </summary>
internal sealed class SimulatedDevice : IDisposable
{
    /// <summary>Keeps a tiny reporting interval (huge time scale) from turning into a busy loop.</summary>
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan MaximumBackoff = TimeSpan.FromSeconds(30);

    private enum Phase
    {
        Disconnected,
        Online,

        /// <summary>Deliberately offline (a simulated outage) until <see cref="NextDue"/>.</summary>
        Offline,
    }

    private readonly DeviceRecord _record;
    private readonly DeviceModel _model;
    private readonly SimulationContext _context;
    private readonly Random _random;
    private readonly IMqttClient _client;

    /// <summary>The connection options per broker; the device starts at one chosen by its id and moves on when it fails.</summary>
    private readonly MqttClientOptions[] _clientOptions;
    private int _broker;
    private readonly string _statusTopic;
    private readonly string _telemetryTopic;
    private readonly string _alarmTopic;
    private readonly string _detectionsTopic;
    private readonly string _commandsTopic;
    private readonly string _ackTopic;

    /// <summary>The device's reporting period in simulated time (from the city file) and in wall-clock time.</summary>
    private readonly TimeSpan _simulatedInterval;
    private readonly TimeSpan _interval;

    private volatile Phase _phase = Phase.Disconnected;
    private int _failures;
    private long _seq;

    public SimulatedDevice(DeviceRecord record, DeviceModel model, Random random, SimulationContext context)
    {
        _record = record;
        _model = model;
        _random = random;
        _context = context;

        var topic = $"{context.TopicRoot}/{record.Id}";
        _statusTopic = $"{topic}/status";
        _telemetryTopic = $"{topic}/telemetry";
        _alarmTopic = $"{topic}/alarm";
        _detectionsTopic = $"{topic}/detections";
        _commandsTopic = $"{topic}/commands";
        _ackTopic = $"{topic}/commands/ack";

        _simulatedInterval = TimeSpan.FromSeconds(record.ExpectedIntervalSeconds > 0 ? record.ExpectedIntervalSeconds : 60);
        _interval = TimeSpan.FromTicks(Math.Max(MinimumInterval.Ticks, context.Clock.ToReal(_simulatedInterval).Ticks));

        _clientOptions = [.. context.Brokers.Select(b => new MqttClientOptionsBuilder()
            .WithTcpServer(b.Host, b.Port)
            .WithClientId(record.Id)
            .WithCredentials(record.Id, record.Secret)
            .WithCleanStart()
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(_statusTopic)
            .WithWillPayload(Payloads.Offline.ToArray())
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build())];
        _broker = (int)(StableHash.Of(record.Id) % (uint)_clientOptions.Length);

        _client = context.Factory.CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>When the next step is due (wall clock).</summary>
    public DateTimeOffset NextDue { get; private set; }

    /// <summary>The reporting period in wall-clock time.</summary>
    public TimeSpan Interval => _interval;

    /// <summary>Connects if needed, otherwise reports (or starts a simulated outage); then sets <see cref="NextDue"/>.</summary>
    public async Task StepAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        if (_phase == Phase.Online && _client.IsConnected)
        {
            await ReportAsync(now, cancellationToken);
        }
        else
        {
            await ConnectAsync(now, cancellationToken);
        }

        if (_phase == Phase.Online && !_client.IsConnected)
        {
            ScheduleReconnect(now);
        }
    }

    /// <summary>The broker dropped the connection (MQTTnet reported it): try again soon.</summary>
    public void ConnectionDropped(DateTimeOffset now)
    {
        Warn("the broker dropped the connection");
        ScheduleReconnect(now);
    }

    /// <summary>Leaves like a device being switched off: retained offline status, then a clean disconnect.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var wasOnline = _phase == Phase.Online;
        _phase = Phase.Disconnected;
        if (!wasOnline || !_client.IsConnected)
        {
            return;
        }

        try
        {
            await PublishAsync(_statusTopic, Payloads.Offline, retain: true, cancellationToken);
            await _client.DisconnectAsync(cancellationToken: cancellationToken);
        }
        catch (Exception)
        {
            // Shutting down anyway; the broker publishes the will if the goodbye did not get through.
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task ConnectAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            // A previous attempt may have connected and then failed to subscribe or announce itself.
            if (!_client.IsConnected)
            {
                var result = await _client.ConnectAsync(_clientOptions[_broker], cancellationToken);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    Fail(now, $"the broker refused the connection ({result.ResultCode})");
                    return;
                }
            }

            var subscription = await _client.SubscribeAsync(_commandsTopic, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);
            if (subscription.Items.Any(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2))
            {
                Warn($"the broker refused the commands subscription ({subscription.Items.First().ResultCode})");
            }

            await PublishAsync(_statusTopic, Payloads.Online, retain: true, cancellationToken);
            _phase = Phase.Online;
            _failures = 0;

            // Start somewhere in the second half of the interval: traffic is staggered, and a value someone
            // publishes by hand for a slow-reporting device is not overwritten right after the engine starts.
            NextDue = now + _interval * (0.5 + 0.5 * _random.NextDouble());
        }
        catch (Exception ex) when (IsSurvivable(ex, cancellationToken))
        {
            Fail(now, $"cannot connect to the broker at {_context.Brokers[_broker]}: {ex.Message}");
        }
    }

    private async Task ReportAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            if (_random.NextDouble() < _context.OfflineRate)
            {
                await GoOfflineAsync(now, cancellationToken);
                return;
            }

            var elapsed = _context.Clock.Elapsed(now);
            var values = _model.Sample(_context.Clock.LocalTime(now), elapsed);
            await PublishAsync(_telemetryTopic, Payloads.Telemetry(now, NextSeq(), values), retain: false, cancellationToken);

            if (_model.PressesSos(_simulatedInterval))
            {
                await PublishAsync(_alarmTopic, Payloads.Alarm(now, "sos"), retain: false, cancellationToken);
            }

            if (_model.Detect(elapsed, _simulatedInterval) is { } detection)
            {
                await PublishAsync(_detectionsTopic, Payloads.Detection(now, detection), retain: false, cancellationToken);
            }

            NextDue = now + _interval;
        }
        catch (Exception ex) when (IsSurvivable(ex, cancellationToken))
        {
            Warn($"publishing failed: {ex.Message}");
            NextDue = now + _interval;
        }
    }

    /// <summary>A simulated outage (power cut, lost signal) lasting 3–10 reporting intervals.</summary>
    private async Task GoOfflineAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await PublishAsync(_statusTopic, Payloads.Offline, retain: true, cancellationToken);
        _phase = Phase.Offline;
        await _client.DisconnectAsync(cancellationToken: cancellationToken);
        NextDue = now + _interval * (3 + 7 * _random.NextDouble());
    }

    /// <summary>Trouble while shutting down is expected and not worth a warning.</summary>
    private void Warn(string problem)
    {
        if (!_context.Stopping.IsCancellationRequested)
        {
            _context.Log.Warn(_record.Id, problem);
        }
    }

    private void Fail(DateTimeOffset now, string problem)
    {
        Warn(problem);
        ScheduleReconnect(now);
    }

    /// <summary>Not connected: try again after a jittered, growing backoff, at the next broker when there are several.</summary>
    private void ScheduleReconnect(DateTimeOffset now)
    {
        _phase = Phase.Disconnected;
        _failures++;
        _broker = (_broker + 1) % _clientOptions.Length;
        NextDue = now + Backoff();
    }

    /// <summary>1 s, 2 s, 4 s … up to 30 s, each ±50 %, so thousands of devices do not reconnect in lockstep.</summary>
    private TimeSpan Backoff()
    {
        var backoff = TimeSpan.FromSeconds(Math.Pow(2, Math.Clamp(_failures - 1, 0, 5)));
        return (backoff < MaximumBackoff ? backoff : MaximumBackoff) * (0.5 + _random.NextDouble());
    }

    private long NextSeq() => Interlocked.Increment(ref _seq);

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        // Only an unexpected drop needs a reconnect; planned outages and shutdown change the phase first.
        if (args.ClientWasConnected && _phase == Phase.Online && !_context.Stopping.IsCancellationRequested)
        {
            _context.ConnectionLost(this);
        }

        return Task.CompletedTask;
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        if (args.ApplicationMessage.Topic != _commandsTopic)
        {
            return;
        }

        try
        {
            var (commandId, error, lightLevel) = Execute(args.ApplicationMessage);
            if (commandId is null)
            {
                Warn("ignored a command without an id");
                return;
            }

            var now = DateTimeOffset.UtcNow;
            await PublishAsync(_ackTopic, Payloads.Ack(commandId, error), retain: false, _context.Stopping);

            // Report the new state straight away, as a lighting controller does, rather than at the next interval.
            if (lightLevel is { } level)
            {
                var values = new Dictionary<string, double> { [Metrics.LightLevel] = level };
                await PublishAsync(_telemetryTopic, Payloads.Telemetry(now, NextSeq(), values), retain: false, _context.Stopping);
            }
        }
        catch (Exception ex)
        {
            // An exception here would only reach MQTTnet's own log; the device carries on either way.
            Warn($"answering a command failed: {ex.Message}");
        }
    }

    /// <summary>Runs a command; returns its id (null if unreadable), the error if it failed, and a new light level if it set one.</summary>
    private (string? CommandId, string? Error, int? LightLevel) Execute(MqttApplicationMessage message)
    {
        try
        {
            using var command = JsonDocument.Parse(message.Payload);
            var root = command.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("id", out var idElement))
            {
                return (null, null, null);
            }

            var commandId = idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : idElement.GetRawText();
            var name = root.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String
                ? nameElement.GetString()
                : null;
            if (name != "setLight")
            {
                return (commandId, null, null);
            }

            if (!_model.HasLight)
            {
                return (commandId, "this device has no light", null);
            }

            if (!root.TryGetProperty("args", out var args) || args.ValueKind != JsonValueKind.Object
                || !args.TryGetProperty("level", out var levelElement) || levelElement.ValueKind != JsonValueKind.Number
                || !levelElement.TryGetInt32(out var level)
                || !_model.SetLight(level, _context.Clock.LocalTime(DateTimeOffset.UtcNow)))
            {
                return (commandId, "args.level must be an integer from 0 to 100", null);
            }

            return (commandId, null, level);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    private async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayloadSegment(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        var result = await _client.PublishAsync(message, cancellationToken);
        if (!result.IsSuccess)
        {
            Warn($"the broker rejected a message on {topic} ({result.ReasonCode})");
        }
    }

    /// <summary>
    /// A simulated device survives whatever the network or broker does to it (it only logs and retries);
    /// cancellation on shutdown is not a problem at all and ends the step.
    /// </summary>
    private static bool IsSurvivable(Exception ex, CancellationToken cancellationToken) =>
        ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested;
}
