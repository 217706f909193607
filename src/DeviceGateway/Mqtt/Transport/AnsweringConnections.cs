using System.Collections.Concurrent;
using MQTTnet.Adapter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityOps.DeviceGateway.Mqtt.Transport;

/// <summary>
/// Each client id's current connection, so that the broker answers a QoS 1 PUBLISH from its handler, on the connection
/// that sent it (<see cref="GuardedChannelAdapter.TryAnswerAsync"/>), rather than through MQTTnet's send loop. A session
/// that outlives its connection keeps its items, so the connection is found by client id, not through the session.
/// </summary>
public sealed class AnsweringConnections
{
    private readonly ConcurrentDictionary<string, GuardedChannelAdapter> _byClient = new(StringComparer.Ordinal);

    public int Count => _byClient.Count;

    /// <summary>A client admitted on this connection; the latest connection of a client id is the one answered on.</summary>
    public void Admitted(string clientId, IMqttChannelAdapter adapter)
    {
        if (adapter is not GuardedChannelAdapter connection)
        {
            return;
        }

        _byClient[clientId] = connection;
        connection.Closed += () => _byClient.TryRemove(KeyValuePair.Create(clientId, connection));
    }

    /// <summary>
    /// Sends the PUBACK the handler decided on, when the message is a QoS 1 PUBLISH from a connection of this broker that
    /// the handler answered itself (not passed on to subscribers, the connection kept). False when MQTTnet is left to answer.
    /// </summary>
    public ValueTask<bool> TryAnswerAsync(InterceptingPublishEventArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.ProcessPublish || args.CloseConnection
            || args.ApplicationMessage.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtLeastOnce
            || !_byClient.TryGetValue(args.ClientId, out var connection))
        {
            return ValueTask.FromResult(false);
        }

        return connection.TryAnswerAsync(
            args.ApplicationMessage.Topic, args.Response.ReasonCode, args.Response.ReasonString, args.Response.UserProperties, args.CancellationToken);
    }
}
