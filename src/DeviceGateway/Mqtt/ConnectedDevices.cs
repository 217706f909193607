namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// The connections each device holds on this broker, by MQTT client id, kept from the broker's connect and disconnect
/// events, so that a command or a revocation finds a device's connections without looking at every client. A client id
/// is counted, not just noted: when a device's new connection takes over its session, the old one's disconnection may
/// be told before or after the new one's connection, and the device stays held either way.
/// </summary>
public sealed class ConnectedDevices
{
    private readonly Dictionary<string, Dictionary<string, int>> _byDevice = new(StringComparer.Ordinal);

    public void Connected(string deviceId, string clientId)
    {
        lock (_byDevice)
        {
            if (!_byDevice.TryGetValue(deviceId, out var clients))
            {
                _byDevice[deviceId] = clients = new Dictionary<string, int>(1, StringComparer.Ordinal);
            }

            clients[clientId] = clients.GetValueOrDefault(clientId) + 1;
        }
    }

    public void Disconnected(string deviceId, string clientId)
    {
        lock (_byDevice)
        {
            if (!_byDevice.TryGetValue(deviceId, out var clients) || !clients.TryGetValue(clientId, out var count))
            {
                return;
            }

            if (count > 1)
            {
                clients[clientId] = count - 1;
                return;
            }

            clients.Remove(clientId);
            if (clients.Count == 0)
            {
                _byDevice.Remove(deviceId);
            }
        }
    }

    /// <summary>Whether the device holds a connection here.</summary>
    public bool Holds(string deviceId)
    {
        lock (_byDevice)
        {
            return _byDevice.ContainsKey(deviceId);
        }
    }

    /// <summary>The client ids of the device's connections here (it may hold several, as <c>{id}-N</c>).</summary>
    public IReadOnlyList<string> ClientsOf(string deviceId)
    {
        lock (_byDevice)
        {
            return _byDevice.TryGetValue(deviceId, out var clients) ? [.. clients.Keys] : [];
        }
    }
}
