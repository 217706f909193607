namespace CityOps.DeviceGateway.Mqtt.Transport;

/// <summary>
/// The keep-alive a connection is held to: what the client asked for, within a floor and a ceiling. A client that
/// asks for none (0) gets the ceiling, so no connection can stay silent for ever. MQTT 5 lets the server tell the
/// client (Server Keep Alive in CONNACK); an MQTT 3.1.1 client is not told, and a silence of 1.5 times the
/// ceiling closes its connection.
/// </summary>
public readonly record struct KeepAliveBounds(ushort MinSeconds, ushort MaxSeconds)
{
    public static KeepAliveBounds From(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new((ushort)Math.Clamp(options.MinKeepAliveSeconds, 1, ushort.MaxValue), (ushort)Math.Clamp(options.MaxKeepAliveSeconds, 1, ushort.MaxValue));
    }

    public ushort Apply(ushort requested) =>
        requested == 0 ? MaxSeconds : Math.Clamp(requested, MinSeconds, Math.Max(MinSeconds, MaxSeconds));
}
