using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CityOps.DeviceGateway.Sip;

/// <summary>
/// The digest nonces the access point issued: each good for one REGISTER before it expires, then forgotten, so a captured
/// REGISTER replayed later finds its nonce gone. Bounded: beyond the limit the oldest are dropped.
/// </summary>
public sealed class NonceStore(TimeProvider clock, TimeSpan lifetime, int capacity)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public int Count => _issued.Count;

    public string Issue()
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        // Under a lock so that challenges issued side by side never hold more than the capacity.
        lock (_order)
        {
            while (_order.Count >= capacity && _order.TryDequeue(out var oldest))
            {
                _issued.TryRemove(oldest, out _);
            }

            _issued[nonce] = clock.GetUtcNow() + lifetime;
            _order.Enqueue(nonce);
        }

        return nonce;
    }

    /// <summary>True once for a nonce issued and not expired; false for any other (unknown, used, expired).</summary>
    public bool TryConsume(string nonce)
    {
        if (!_issued.TryRemove(nonce, out var expires))
        {
            return false;
        }

        return clock.GetUtcNow() <= expires;
    }
}
