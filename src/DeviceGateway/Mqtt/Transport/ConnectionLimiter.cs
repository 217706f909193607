using System.Net;

namespace CityOps.DeviceGateway.Mqtt.Transport;

/// <summary>Whether a new connection may be served.</summary>
public enum ConnectionAdmission
{
    Admitted,

    /// <summary>The broker holds <see cref="GatewayOptions.MaxConnections"/> connections already.</summary>
    TooManyConnections,

    /// <summary>The remote address holds <see cref="GatewayOptions.MaxConnectionsPerAddress"/> connections already.</summary>
    TooManyFromAddress,
}

/// <summary>
/// Counts the broker's open connections, in total and per remote address, from the moment a socket is accepted
/// (before CONNECT, so half-open sockets count too) until it is closed. An address's entry goes when its last
/// connection does, so the table holds no more entries than there are connections.
/// </summary>
public sealed class ConnectionLimiter
{
    private readonly int _max;
    private readonly int _maxPerAddress;
    private readonly HashSet<IPAddress> _exempt;
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly Lock _lock = new();
    private int _open;

    public ConnectionLimiter(int maxConnections, int maxConnectionsPerAddress, IEnumerable<IPAddress> exempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConnections);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConnectionsPerAddress);
        _max = maxConnections;
        _maxPerAddress = maxConnectionsPerAddress;
        _exempt = [.. exempt.Select(Normal)];
    }

    public static ConnectionLimiter From(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exempt = options.AddressLimitExempt
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(IPAddress.Parse);
        return new ConnectionLimiter(options.MaxConnections, options.MaxConnectionsPerAddress, exempt);
    }

    /// <summary>Connections open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Admits a connection from <paramref name="address"/>; an admitted one must be <see cref="Release"/>d once closed.</summary>
    public ConnectionAdmission TryAcquire(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Normal(address);
        lock (_lock)
        {
            if (_open >= _max)
            {
                return ConnectionAdmission.TooManyConnections;
            }

            var fromAddress = _perAddress.GetValueOrDefault(address);
            if (fromAddress >= _maxPerAddress && !_exempt.Contains(address))
            {
                return ConnectionAdmission.TooManyFromAddress;
            }

            _perAddress[address] = fromAddress + 1;
            _open++;
            return ConnectionAdmission.Admitted;
        }
    }

    public void Release(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Normal(address);
        lock (_lock)
        {
            _open--;
            if (_perAddress.TryGetValue(address, out var count) && count > 1)
            {
                _perAddress[address] = count - 1;
            }
            else
            {
                _perAddress.Remove(address);
            }
        }
    }

    /// <summary>An IPv4 client on a dual-stack socket appears as ::ffff:a.b.c.d; it is one address either way.</summary>
    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
