using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityOps.Samples.Tests.DeviceSimulator;

/// <summary>A message a client published, as the broker saw it.</summary>
public sealed record ReceivedMessage(string Topic, string ClientId, string UserName, string Payload, bool Retain);

/// <summary>A real MQTTnet broker on a free loopback port that accepts only the given device credentials and records every publish.</summary>
public sealed class TestBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private readonly ConcurrentQueue<ReceivedMessage> _messages = new();

    private TestBroker(MqttServer server, int port)
    {
        _server = server;
        Port = port;
    }

    public int Port { get; }

    public IReadOnlyCollection<ReceivedMessage> Messages => _messages;

    public MqttServer Server => _server;

    /// <summary>Creates the broker; <paramref name="start"/> false leaves it down, as when the engine is not up yet.</summary>
    public static async Task<TestBroker> CreateAsync(IReadOnlyDictionary<string, string> secrets, bool start = true)
    {
        var port = FreePort();
        var factory = new MqttServerFactory();
        var options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(port)
            .Build();
        var server = factory.CreateMqttServer(options);
        var broker = new TestBroker(server, port);

        server.ValidatingConnectionAsync += args =>
        {
            if (args.UserName is null || !secrets.TryGetValue(args.UserName, out var secret) || secret != args.Password
                || args.ClientId != args.UserName)
            {
                args.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            }

            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += args =>
        {
            var message = args.ApplicationMessage;
            broker._messages.Enqueue(new ReceivedMessage(
                message.Topic, args.ClientId, args.UserName, Encoding.UTF8.GetString(message.Payload), message.Retain));
            return Task.CompletedTask;
        };

        if (start)
        {
            await broker.StartAsync();
        }

        return broker;
    }

    public Task StartAsync() => _server.StartAsync();

    /// <summary>Sends a message to a device, as the engine does with commands.</summary>
    public Task PublishAsync(string topic, string payload) => _server.InjectApplicationMessage(
        new InjectedMqttApplicationMessage(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build())
        {
            SenderClientId = "engine",
        });

    /// <summary>Waits until a matching message arrives (or fails after the timeout).</summary>
    public async Task<ReceivedMessage> WaitForAsync(Func<ReceivedMessage, bool> match, TimeSpan? timeout = null)
    {
        // A bound on a hang, not an expectation of speed: a busy machine may take seconds to deliver a simulated reading.
        using var expiry = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = _messages.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            try
            {
                await Task.Delay(20, expiry.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("The broker did not receive the expected message in time.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
