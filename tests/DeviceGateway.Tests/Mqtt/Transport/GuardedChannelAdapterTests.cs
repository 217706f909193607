using System.Buffers;
using System.Net;
using System.Text;
using CityOps.DeviceGateway.Mqtt;
using CityOps.DeviceGateway.Mqtt.Transport;
using CityOps.TestSupport;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityOps.DeviceGateway.Tests.Mqtt.Transport;

/// <summary>
/// A device connection reading its own packets: its messages answered by the connection whatever way the bytes arrive,
/// everything else decoded for MQTTnet, and the acknowledgements in the order of the messages.
/// </summary>
public class GuardedChannelAdapterTests
{
    private const string DeviceId = "NS-990103-00017";
    private static readonly EndPoint Loopback = new IPEndPoint(IPAddress.Loopback, 1883);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Messages_arriving_in_any_pieces_are_each_answered_once_in_order(int piece)
    {
        using var connection = new DeviceConnection([.. Enumerable.Range(1, 20).Select(id => Publish($"city/{DeviceId}/telemetry", (ushort)id))], piece);

        var handedToMqttnet = await connection.ReadAsync();

        handedToMqttnet.Should().BeEmpty();
        connection.Answered.Should().Equal(Enumerable.Range(1, 20).Select(Reading));
        connection.PubAckIds().Should().Equal(Enumerable.Range(1, 20).Select(id => (ushort)id));
    }

    [Fact]
    public async Task A_message_larger_than_the_connections_buffer_is_read_whole()
    {
        var large = "{\"values\":{\"noiseDb\":41},\"note\":\"" + new string('x', 3000) + "\"}";
        using var connection = new DeviceConnection([Publish($"city/{DeviceId}/telemetry", 1, large), Publish($"city/{DeviceId}/telemetry", 2)], piece: 1000);

        await connection.ReadAsync();

        connection.Answered.Should().Equal(large, """{"values":{"noiseDb":42}}""");
        connection.PubAckIds().Should().Equal(1, 2);
    }

    [Fact]
    public async Task A_message_on_another_topic_and_those_after_it_go_to_MQTTnet_until_it_is_acknowledged()
    {
        using var connection = new DeviceConnection(
            [
                Publish("city/SOMEONE-ELSE/telemetry", 1),
                Publish($"city/{DeviceId}/telemetry", 2),
                Publish($"city/{DeviceId}/telemetry", 3),
            ],
            piece: 4096);
        await connection.AcceptAsync();

        var first = (MqttPublishPacket)await connection.Adapter.ReceivePacketAsync(CancellationToken.None);
        var second = (MqttPublishPacket)await connection.Adapter.ReceivePacketAsync(CancellationToken.None);
        await connection.Adapter.SendPacketAsync(new MqttPubAckPacket { PacketIdentifier = first.PacketIdentifier, ReasonCode = MqttPubAckReasonCode.NotAuthorized }, CancellationToken.None);
        await connection.Adapter.SendPacketAsync(new MqttPubAckPacket { PacketIdentifier = second.PacketIdentifier }, CancellationToken.None);
        var end = await connection.Adapter.ReceivePacketAsync(CancellationToken.None);

        (first.Topic, second.Topic).Should().Be(("city/SOMEONE-ELSE/telemetry", $"city/{DeviceId}/telemetry"), "MQTTnet still owed the first one's PUBACK");
        end.Should().BeNull("the third was answered by the connection, and then the connection ended");
        connection.Answered.Should().Equal("""{"values":{"noiseDb":43}}""");
        connection.PubAckIds().Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task Messages_before_the_connection_is_accepted_go_to_MQTTnet()
    {
        using var connection = new DeviceConnection([Publish($"city/{DeviceId}/telemetry", 1)], piece: 4096);
        await connection.Adapter.ReceivePacketAsync(CancellationToken.None);

        var packet = await connection.Adapter.ReceivePacketAsync(CancellationToken.None);

        packet.Should().BeOfType<MqttPublishPacket>();
        connection.Answered.Should().BeEmpty();
    }

    private static MqttPublishPacket Publish(string topic, ushort id, string? payload = null) => new()
    {
        Topic = topic,
        PacketIdentifier = id,
        QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        Payload = new(Encoding.UTF8.GetBytes(payload ?? Reading(id))),
    };

    private static string Reading(int id) => "{\"values\":{\"noiseDb\":" + (40 + id) + "}}";

    /// <summary>An MQTT 3.1.1 device connection: its CONNECT and then <paramref name="packets"/>, arriving <paramref name="piece"/> bytes at a time.</summary>
    private sealed class DeviceConnection : IDevicePublishes, IDisposable
    {
        private static readonly byte[] OwnTopic = Encoding.UTF8.GetBytes($"city/{DeviceId}/telemetry");
        private readonly ArrivingByteStream _wire;

        public DeviceConnection(MqttPacket[] packets, int piece)
        {
            var formatter = new MqttPacketFormatterAdapter(MqttProtocolVersion.V311, new MqttBufferWriter(256, 65536));
            var bytes = new List<byte>(formatter.Encode(new MqttConnectPacket { ClientId = DeviceId, Username = DeviceId, Password = "s3cret"u8.ToArray(), KeepAlivePeriod = 60 }).ToArray());
            foreach (var packet in packets)
            {
                bytes.AddRange(formatter.Encode(packet).ToArray());
            }

            _wire = new ArrivingByteStream([.. bytes], piece);
            var stream = new PacketLimitStream(_wire, 4096, 65536);
            var inner = new MqttChannelAdapter(new MqttTcpChannel(stream, Loopback, Loopback, null), new MqttPacketFormatterAdapter(new MqttBufferWriter(256, 65536)), MqttNetNullLogger.Instance);
            Adapter = new GuardedChannelAdapter(inner, stream, new KeepAliveBounds(5, 900), 65536, isSecureConnection: false) { DevicePublishes = this };
        }

        public GuardedChannelAdapter Adapter { get; }

        /// <summary>The payloads the connection answered itself, in order.</summary>
        public List<string> Answered { get; } = [];

        /// <summary>Reads the CONNECT and accepts it, as MQTTnet's server does.</summary>
        public async Task AcceptAsync()
        {
            (await Adapter.ReceivePacketAsync(CancellationToken.None)).Should().BeOfType<MqttConnectPacket>();
            await Adapter.SendPacketAsync(new MqttConnAckPacket { ReasonCode = MqttConnectReasonCode.Success }, CancellationToken.None);
        }

        /// <summary>Accepts the connection and reads it to its end; the packets handed to MQTTnet.</summary>
        public async Task<List<MqttPacket>> ReadAsync()
        {
            await AcceptAsync();
            var handed = new List<MqttPacket>();
            while (await Adapter.ReceivePacketAsync(CancellationToken.None) is { } packet)
            {
                handed.Add(packet);
            }

            return handed;
        }

        /// <summary>The packet identifiers of the PUBACKs written back, in order (the CONNACK skipped).</summary>
        public List<ushort> PubAckIds()
        {
            var written = _wire.Written.ToArray();
            var ids = new List<ushort>();
            for (var at = 0; at < written.Length; at += 2 + written[at + 1])
            {
                if (written[at] == 0x40)
                {
                    ids.Add((ushort)((written[at + 2] << 8) | written[at + 3]));
                }
            }

            return ids;
        }

        public void Dispose()
        {
            Adapter.Dispose();
            _wire.Dispose();
        }

        public bool TryMatch(ReadOnlySpan<byte> topic, out DeviceChannel channel)
        {
            channel = DeviceChannel.Telemetry;
            return topic.SequenceEqual(OwnTopic);
        }

        public ValueTask<PublishAnswer> AnswerAsync(DeviceChannel channel, ReadOnlySequence<byte> payload)
        {
            Answered.Add(Encoding.UTF8.GetString(payload));
            return ValueTask.FromResult(new PublishAnswer(MqttPubAckReasonCode.Success));
        }
    }
}
