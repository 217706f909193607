using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace CityOps.DeviceGateway.Mqtt.Transport;

/// <summary>
/// Stands between MQTTnet's server and one connection: holds the CONNECT's keep-alive to <see cref="KeepAliveBounds"/>
/// (MQTTnet's keep-alive monitor reads it from the CONNECT packet) and tells MQTT 5 clients in the CONNACK the
/// keep-alive they are held to and the largest packet they may send. Between packets it waits for the connection's
/// next bytes itself (<see cref="PacketLimitStream.WaitForBytesAsync"/>).
/// </summary>
public sealed class GuardedChannelAdapter(IMqttChannelAdapter inner, PacketLimitStream stream, KeepAliveBounds keepAlive, int maxPacketBytes, bool isSecureConnection)
    : IMqttChannelAdapter
{
    private bool _connectSeen;

    /// <summary>The keep-alive the client asked for, when the server holds it to another.</summary>
    private ushort? _serverKeepAlive;

    public long BytesReceived => inner.BytesReceived;

    public long BytesSent => inner.BytesSent;

    public X509Certificate2 ClientCertificate => inner.ClientCertificate;

    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public bool IsSecureConnection => isSecureConnection;

    public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        // MQTTnet reads a packet through seven async calls; started on a silent connection, each would wait with its own
        // state until the device next speaks, and with 10,000 devices that state is tens of megabytes that every young
        // collection finds alive and copies (docs/performance.md, "Young survivors"). Started once bytes are there, the
        // read completes at once and only this call waits.
        if (_connectSeen)
        {
            try
            {
                await stream.WaitForBytesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The read below meets the same end and reports it the way MQTTnet expects.
            }
        }

        var packet = await inner.ReceivePacketAsync(cancellationToken).ConfigureAwait(false);
        if (!_connectSeen && packet is MqttConnectPacket connect)
        {
            _connectSeen = true;
            var held = keepAlive.Apply(connect.KeepAlivePeriod);
            if (held != connect.KeepAlivePeriod)
            {
                connect.KeepAlivePeriod = held;
                _serverKeepAlive = held;
            }
        }

        return packet;
    }

    public void ResetStatistics() => inner.ResetStatistics();

    public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        if (packet is MqttConnAckPacket connAck && PacketFormatterAdapter.ProtocolVersion == MqttProtocolVersion.V500)
        {
            connAck.MaximumPacketSize = (uint)maxPacketBytes;
            if (_serverKeepAlive is { } held)
            {
                connAck.ServerKeepAlive = held;
            }
        }

        return inner.SendPacketAsync(packet, cancellationToken);
    }

    public void Dispose() => inner.Dispose();
}
