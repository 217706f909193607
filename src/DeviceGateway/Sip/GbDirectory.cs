using System.Collections.Concurrent;
using CityOps.Grains.Interfaces.City;

namespace CityOps.DeviceGateway.Sip;

/// <summary>A GB/T 28181 device registered with this access point: where it is reached, until when, and its channels.</summary>
public sealed class GbRegistration(string deviceId, DeviceKind kind, SipPeer peer, DateTimeOffset expires, DateTimeOffset now)
{
    public string DeviceId { get; } = deviceId;

    public DeviceKind Kind { get; } = kind;

    public SipPeer Peer { get; set; } = peer;

    public DateTimeOffset Expires { get; set; } = expires;

    public DateTimeOffset LastHeard { get; set; } = now;

    /// <summary>The channels its catalog listed, registered in the device registry.</summary>
    public ConcurrentDictionary<string, bool> Channels { get; } = new(StringComparer.Ordinal);

    /// <summary>What its DeviceInfo answer said (manufacturer, model, firmware, channel count), memory only.</summary>
    public IReadOnlyDictionary<string, string> Info { get; set; } = new Dictionary<string, string>();
}

/// <summary>
/// The devices registered here and the channels each one carries, in memory: a restarted gateway forgets them and devices
/// register again when their keepalives are refused. A registration whose keepalive is late by <c>Sip:KeepaliveTimeout</c>
/// or whose Expires passed is dropped by <see cref="Sweep"/>.
/// </summary>
public sealed class GbDirectory
{
    private readonly ConcurrentDictionary<string, GbRegistration> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _channelDevice = new(StringComparer.Ordinal);

    public int Count => _devices.Count;

    public GbRegistration? Find(string deviceId) => _devices.GetValueOrDefault(deviceId);

    /// <summary>The registration that carries the channel (or is the device itself, an IPC that registered on its own).</summary>
    public GbRegistration? FindByChannel(string channelId) =>
        _channelDevice.TryGetValue(channelId, out var deviceId) ? Find(deviceId) : Find(channelId);

    /// <summary>Adds or renews; true when the device was not registered from that place before (its catalog is asked again).</summary>
    public bool Register(GbRegistration registration, out GbRegistration current)
    {
        var added = false;
        current = _devices.AddOrUpdate(
            registration.DeviceId,
            _ =>
            {
                added = true;
                return registration;
            },
            (_, known) =>
            {
                // Under the registration's lock, so a sweep or a closing connection that judged the old registration
                // never removes the renewed one (see RemoveWhen).
                lock (known)
                {
                    added = !known.Peer.SameAs(registration.Peer);
                    known.Peer = registration.Peer;
                    known.Expires = registration.Expires;
                    known.LastHeard = registration.LastHeard;
                }

                return known;
            });
        return added;
    }

    /// <summary>The device was heard from (a keepalive or any other message from where it registered).</summary>
    public static void Heard(GbRegistration registration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(registration);
        lock (registration)
        {
            registration.LastHeard = now;
        }
    }

    public void AddChannel(GbRegistration registration, string channelId)
    {
        registration.Channels[channelId] = true;
        _channelDevice[channelId] = registration.DeviceId;
    }

    public GbRegistration? Remove(string deviceId)
    {
        if (!_devices.TryRemove(deviceId, out var registration))
        {
            return null;
        }

        foreach (var channel in registration.Channels.Keys)
        {
            _channelDevice.TryRemove(new KeyValuePair<string, string>(channel, deviceId));
        }

        return registration;
    }

    /// <summary>Drops the registrations that expired or went silent; answers them.</summary>
    public IReadOnlyList<GbRegistration> Sweep(DateTimeOffset now, TimeSpan keepaliveTimeout) =>
        [.. _devices.Values.Select(r => RemoveWhen(r, d => d.Expires <= now || now - d.LastHeard > keepaliveTimeout)).OfType<GbRegistration>()];

    /// <summary>Drops every registration still reached over a TCP connection that closed; answers them.</summary>
    public IReadOnlyList<GbRegistration> RemoveOn(SipPeer peer) =>
        [.. _devices.Values.Select(r => RemoveWhen(r, d => ReferenceEquals(d.Peer, peer))).OfType<GbRegistration>()];

    /// <summary>
    /// Removes the registration only while the condition holds, judged under its lock: a device that registered again
    /// (from elsewhere, or renewed) between the look and the removal stays registered.
    /// </summary>
    private GbRegistration? RemoveWhen(GbRegistration registration, Func<GbRegistration, bool> condition)
    {
        lock (registration)
        {
            if (!condition(registration) || !_devices.TryRemove(KeyValuePair.Create(registration.DeviceId, registration)))
            {
                return null;
            }
        }

        foreach (var channel in registration.Channels.Keys)
        {
            _channelDevice.TryRemove(new KeyValuePair<string, string>(channel, registration.DeviceId));
        }

        return registration;
    }
}
