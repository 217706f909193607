using System.Buffers;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using CityOps.DeviceGateway.Mqtt;
using CityOps.DeviceGateway.Mqtt.Transport;
using CityOps.TestSupport;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityOps.Benchmarks;

/// <summary>
/// What one device connection costs the broker for each QoS 1 reading it sends: a thousand telemetry messages on one
/// connection, each read, handed to the message handler (here one that only reads the payload) and acknowledged.
/// MQTTnet's own reading (its channel adapter decoding each packet, and encoding and writing each PUBACK: only the part
/// of its server's work that a benchmark can reach, without its queues and events) against the connection reading its
/// device's messages itself (<see cref="GuardedChannelAdapter"/>).
/// </summary>
[MemoryDiagnoser]
public class DeviceConnectionBenchmarks
{
    private const int Messages = 1000;
    private const string DeviceId = "NS-990103-00017";

    private static readonly EndPoint Loopback = new IPEndPoint(IPAddress.Loopback, 1883);

    private byte[] _connection = [];

    [GlobalSetup]
    public void Setup()
    {
        var formatter = new MqttPacketFormatterAdapter(MqttProtocolVersion.V311, new MqttBufferWriter(256, 65536));
        var bytes = new List<byte>(formatter.Encode(new MqttConnectPacket { ClientId = DeviceId, Username = DeviceId, Password = "s3cret"u8.ToArray(), KeepAlivePeriod = 60 }).ToArray());
        for (ushort id = 1; id <= Messages; id++)
        {
            bytes.AddRange(formatter.Encode(new MqttPublishPacket
            {
                Topic = $"city/{DeviceId}/telemetry",
                PacketIdentifier = id,
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
                Payload = new(Encoding.UTF8.GetBytes($$"""{"values":{"noiseDb":{{40 + (id % 30)}}.5},"seq":{{id}},"ts":"2026-12-07T22:00:00Z"}""")),
            }).ToArray());
        }

        _connection = [.. bytes];
    }

    [Benchmark(Baseline = true, Description = "read by MQTTnet's channel adapter (1,000 readings)")]
    public async Task<long> ReadByMqttnet()
    {
        var stream = new PacketLimitStream(new ArrivingByteStream(_connection, piece: 4096, keepWritten: false), 4096, 65536);
        using var adapter = NewAdapter(stream);
        await adapter.ReceivePacketAsync(CancellationToken.None);
        long payloadBytes = 0;
        while (await adapter.ReceivePacketAsync(CancellationToken.None) is MqttPublishPacket publish)
        {
            payloadBytes += publish.Payload.Length;
            await adapter.SendPacketAsync(new MqttPubAckPacket { PacketIdentifier = publish.PacketIdentifier }, CancellationToken.None);
        }

        return payloadBytes;
    }

    [Benchmark(Description = "read by the connection itself (1,000 readings)")]
    public async Task<long> ReadByTheConnection()
    {
        var stream = new PacketLimitStream(new ArrivingByteStream(_connection, piece: 4096, keepWritten: false), 4096, 65536);
        using var adapter = new GuardedChannelAdapter(NewAdapter(stream), stream, new KeepAliveBounds(5, 900), 65536, isSecureConnection: false);
        var publishes = new CountingPublishes();
        adapter.DevicePublishes = publishes;
        await adapter.ReceivePacketAsync(CancellationToken.None);
        await adapter.SendPacketAsync(new MqttConnAckPacket { ReasonCode = MqttConnectReasonCode.Success }, CancellationToken.None);
        if (await adapter.ReceivePacketAsync(CancellationToken.None) is not null || publishes.Messages != Messages)
        {
            throw new InvalidOperationException($"Only {publishes.Messages} of {Messages} messages were answered by the connection.");
        }

        return publishes.PayloadBytes;
    }

    private static MqttChannelAdapter NewAdapter(PacketLimitStream stream) => new(
        new MqttTcpChannel(stream, Loopback, Loopback, null),
        new MqttPacketFormatterAdapter(new MqttBufferWriter(256, 65536)),
        MqttNetNullLogger.Instance);

    private sealed class CountingPublishes : IDevicePublishes
    {
        private static readonly byte[] Topic = Encoding.UTF8.GetBytes($"city/{DeviceId}/telemetry");

        public int Messages { get; private set; }

        public long PayloadBytes { get; private set; }

        public bool TryMatch(ReadOnlySpan<byte> topic, out DeviceChannel channel)
        {
            channel = DeviceChannel.Telemetry;
            return topic.SequenceEqual(Topic);
        }

        public ValueTask<PublishAnswer> AnswerAsync(DeviceChannel channel, ReadOnlySequence<byte> payload)
        {
            Messages++;
            PayloadBytes += payload.Length;
            return ValueTask.FromResult(new PublishAnswer(MqttPubAckReasonCode.Success));
        }
    }
}
