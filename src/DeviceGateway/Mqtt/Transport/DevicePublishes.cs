using System.Buffers;
using MQTTnet.Protocol;

namespace CityOps.DeviceGateway.Mqtt.Transport;

/// <summary>How a device's PUBLISH is answered: the PUBACK's reason code, or the connection closed instead of a PUBACK.</summary>
public readonly record struct PublishAnswer(MqttPubAckReasonCode ReasonCode, bool CloseConnection = false);

/// <summary>
/// The messages an authenticated device sends on its own topics, answered by the broker without passing through
/// MQTTnet's server (<see cref="GuardedChannelAdapter"/>): the same checks and handling as every other message, none
/// of MQTTnet's objects for each one.
/// </summary>
public interface IDevicePublishes
{
    /// <summary>The channel of <paramref name="topic"/> (its UTF-8 bytes) when it is one of this device's own that it may publish on.</summary>
    bool TryMatch(ReadOnlySpan<byte> topic, out DeviceChannel channel);

    /// <summary>
    /// Admits and handles one message. <paramref name="payload"/> is the connection's own buffer: read it before the
    /// returned task completes and keep none of it.
    /// </summary>
    ValueTask<PublishAnswer> AnswerAsync(DeviceChannel channel, ReadOnlySequence<byte> payload);
}
