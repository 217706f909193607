using System.Reflection;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// Gives a client that connects without a client id one of its own. MQTT 3.1.1 (§3.1.3-7) lets a
/// client with a clean session leave the id to the server, and Debian's mosquitto_pub does just
/// that by default. MQTTnet assigns ids only to MQTT 5 clients through its public API, so for
/// 3.1.1 the id is set on the CONNECT packet the broker is about to use.
/// </summary>
internal static class ClientIdAssignment
{
    private static readonly FieldInfo? ConnectPacketField =
        typeof(ValidatingConnectionEventArgs).GetField("_connectPacket", BindingFlags.Instance | BindingFlags.NonPublic);

    public static void AssignIfMissing(ValidatingConnectionEventArgs args, string deviceId)
    {
        if (!string.IsNullOrEmpty(args.ClientId) || args.CleanSession != true)
        {
            return;
        }

        var assigned = $"{deviceId}-{Guid.NewGuid():N}";
        args.AssignedClientIdentifier = assigned;
        if (ConnectPacketField?.GetValue(args) is MqttConnectPacket packet)
        {
            packet.ClientId = assigned;
        }
    }
}
