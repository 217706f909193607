using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using CityOps.DeviceGateway.Mqtt;
using CityOps.DeviceGateway.Mqtt.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace CityOps.DeviceGateway.Tests.Mqtt.Transport;

/// <summary>The broker's listener: what it keeps of a connection lasts as long as the connection.</summary>
public sealed class GuardedServerAdapterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly GuardedServerAdapter _listener;

    public GuardedServerAdapterTests()
    {
        var options = new GatewayOptions { BindAddress = "127.0.0.1", Port = 0 };
        var metrics = new GatewayMetrics(_services.GetRequiredService<IMeterFactory>());
        _listener = new GuardedServerAdapter(options, new ConnectionLimiter(10, 10, []), metrics, certificate: null, TimeProvider.System, NullLogger.Instance);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task A_connection_the_broker_has_let_go_is_no_longer_watched_for_its_keep_alive()
    {
        var connected = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var letGo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _listener.ClientHandler = async connection =>
        {
            // As MQTTnet's server does: read the CONNECT, serve the client, and return when it is done with it.
            await connection.ReceivePacketAsync(CancellationToken.None);
            connected.SetResult(_listener.WatchedConnections);
            await letGo.Task;
        };
        await _listener.StartAsync(new MqttServerOptionsBuilder().Build(), MqttNetNullLogger.Instance);

        using var device = new TcpClient();
        await device.ConnectAsync(IPAddress.Loopback, _listener.PlainPort!.Value);
        var formatter = new MqttPacketFormatterAdapter(MqttProtocolVersion.V311, new MqttBufferWriter(256, 65536));
        await device.GetStream().WriteAsync(formatter.Encode(new MqttConnectPacket { ClientId = "NS-990103-00017", KeepAlivePeriod = 60 }).ToArray());

        (await connected.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be(1, "an open connection is watched");
        letGo.SetResult();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_listener.WatchedConnections > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        _listener.WatchedConnections.Should().Be(0, "a connection let go is forgotten at once, not after 1.5 keep-alives of silence");
    }
}
