using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Xml;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Sip;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Sip;

/// <summary>
/// The requests the access point sends to devices (MANSCDP queries and controls in SIP MESSAGEs) and the commands among
/// them still waiting for their answer: a device control is acknowledged to its twin by the device's 200 OK, or failed by a
/// final error response or a <c>Response</c> with <c>Result</c> ERROR. Unanswered ones are forgotten after a minute (the
/// twin's own retry and timeout decide about the command).
/// </summary>
public sealed class GbRequests(IOptions<SipOptions> options, IGrainFactory grains, TimeProvider clock)
{
    private static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(1);
    private const int MaxPending = 10_000;

    private readonly SipOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, PendingCommand> _byCallId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingCommand> _bySn = new(StringComparer.Ordinal);
    private long _sequence = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000;

    /// <summary>Where the access point listens, for the Via and Contact of its requests.</summary>
    public IPEndPoint? Local { get; set; }

    public int Pending => _byCallId.Count;

    /// <summary>Sends a MANSCDP document to the device; answers the SN it carries.</summary>
    public async Task<long> SendAsync(GbRegistration device, string root, string cmdType, string targetId, Action<XmlWriter>? body, CancellationToken cancellationToken, PendingCommand? command = null)
    {
        var sn = Interlocked.Increment(ref _sequence);
        var realm = _options.EffectiveRealm;
        var local = Local ?? new IPEndPoint(IPAddress.Loopback, _options.Port);
        var callId = $"{Token()}@{local.Address}";
        var request = SipMessage.Request("MESSAGE", $"sip:{targetId}@{realm}")
            .Add("Via", $"SIP/2.0/{device.Peer.Transport} {local.Address}:{local.Port};rport;branch=z9hG4bK{Token()}")
            .Add("From", $"<sip:{_options.ServerId}@{realm}>;tag={Token()}")
            .Add("To", $"<sip:{targetId}@{realm}>")
            .Add("Call-ID", callId)
            .Add("CSeq", string.Create(CultureInfo.InvariantCulture, $"{sn} MESSAGE"))
            .Add("Max-Forwards", "70")
            .Add("User-Agent", "CityOps")
            .Add("Content-Type", Manscdp.ContentType);
        request.Body = Manscdp.Write(root, cmdType, sn, targetId, body);
        if (command is not null)
        {
            Forget(clock.GetUtcNow());
            var pending = command with { Expires = clock.GetUtcNow() + PendingLifetime };
            _byCallId[callId] = pending;
            _bySn[$"{device.DeviceId}:{sn}"] = pending;
        }

        await device.Peer.SendAsync(request.ToBytes(), cancellationToken);
        return sn;
    }

    /// <summary>A device's SIP response to one of our requests: a command's acknowledgement or failure.</summary>
    public async Task OnResponseAsync(SipMessage response)
    {
        if (response.StatusCode < 200 || response.CallId is not { } callId || !_byCallId.TryRemove(callId, out var pending))
        {
            return;
        }

        var ok = response.StatusCode is >= 200 and < 300;
        await AcknowledgeAsync(pending, ok, ok ? null : $"{response.StatusCode} {response.ReasonPhrase}");
    }

    /// <summary>A device's <c>Response</c> to a control, with <c>Result</c> OK or ERROR.</summary>
    public async Task OnControlResultAsync(string deviceId, string? sn, string? result)
    {
        if (sn is null || !_bySn.TryRemove($"{deviceId}:{sn}", out var pending))
        {
            return;
        }

        var ok = string.Equals(result, "OK", StringComparison.OrdinalIgnoreCase);
        if (!ok || _byCallId.Values.Contains(pending))
        {
            await AcknowledgeAsync(pending, ok, ok ? null : $"the device answered {result}");
        }
    }

    private async Task AcknowledgeAsync(PendingCommand pending, bool ok, string? failure) =>
        await DeviceTwins.Get(grains, Grains.Interfaces.City.DeviceKind.Camera, pending.ChannelId).AcknowledgeCommand(pending.CommandId, ok, failure);

    private void Forget(DateTimeOffset now)
    {
        if (_byCallId.Count < MaxPending / 2)
        {
            return;
        }

        foreach (var (key, value) in _byCallId)
        {
            if (value.Expires < now || _byCallId.Count >= MaxPending)
            {
                _byCallId.TryRemove(key, out _);
            }
        }

        foreach (var (key, value) in _bySn)
        {
            if (value.Expires < now || _bySn.Count >= MaxPending)
            {
                _bySn.TryRemove(key, out _);
            }
        }
    }

    private static string Token() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}

/// <summary>A twin's command sent to a channel, waiting for the device's answer.</summary>
public sealed record PendingCommand(string ChannelId, string CommandId, DateTimeOffset Expires);
