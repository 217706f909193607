using System.Globalization;
using System.Net;
using CityOps.DeviceGateway.Mqtt;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Sip;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Sip;

/// <summary>
/// The GB/T 28181 access point's signalling: REGISTER with digest authentication against the device registry, MESSAGE
/// from registered devices (keepalive, alarms, answers to the access point's queries), and responses to the access
/// point's own requests (<see cref="GbRequests"/>). Every refusal is counted per reason (<see cref="SipRefusal"/>) and
/// answered with a SIP error; nothing a device sends reaches a grain before its sender is registered from that place.
/// </summary>
public sealed partial class SipAccessPoint(
    IOptions<SipOptions> options,
    IGrainFactory grains,
    GbDirectory directory,
    GbRequests requests,
    GbMessages messages,
    FloodRegistry floods,
    GatewayMetrics metrics,
    TimeProvider clock,
    ILogger<SipAccessPoint> logger)
{
    private readonly SipOptions _options = options.Value;
    private readonly NonceStore _nonces = new(clock, options.Value.NonceLifetime, options.Value.MaxOutstandingNonces);
    private readonly SipLimits _limits = options.Value.Limits;
    private readonly LogThrottle _logThrottle = new(clock);

    public GbDirectory Directory => directory;

    /// <summary>Challenges issued and not yet answered (bounded by <c>Sip:MaxOutstandingNonces</c>).</summary>
    public int OutstandingNonces => _nonces.Count;

    /// <summary>The transport tells where it listens, for the Via of outgoing requests.</summary>
    public void Listening(IPEndPoint local) => requests.Local = local;

    public async Task HandleAsync(SipMessage message, SipPeer peer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(peer);
        try
        {
            if (!message.IsRequest)
            {
                await requests.OnResponseAsync(message);
                return;
            }

            switch (message.Method)
            {
                case "REGISTER":
                    await RegisterAsync(message, peer, cancellationToken);
                    break;
                case "MESSAGE":
                    await MessageAsync(message, peer, cancellationToken);
                    break;
                case "OPTIONS":
                    await AnswerAsync(peer, message, 200, "OK", cancellationToken);
                    break;
                case "ACK":
                    break;
                default:
                    Refuse(SipRefusal.Unsupported, peer, $"method {message.Method}");
                    await AnswerAsync(peer, message, 405, "Method Not Allowed", cancellationToken, r => r.Add("Allow", "REGISTER, MESSAGE, OPTIONS, ACK"));
                    break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (_logThrottle.ShouldLog("sip-failed"))
            {
                LogFailed(e, peer.ToString());
            }
        }
    }

    /// <summary>A TCP connection closed: the devices registered over it are no longer reachable.</summary>
    public void ConnectionClosed(SipPeer peer) => directory.RemoveOn(peer);

    /// <summary>Drops registrations that expired or whose keepalives stopped (their twins go offline by their own silence).</summary>
    public IReadOnlyList<GbRegistration> Sweep() => directory.Sweep(clock.GetUtcNow(), _options.KeepaliveTimeout);

    private async Task RegisterAsync(SipMessage request, SipPeer peer, CancellationToken cancellationToken)
    {
        var realm = _options.EffectiveRealm;
        var deviceId = request.FromUser;
        if (!GbCodes.IsValid(deviceId))
        {
            Refuse(SipRefusal.UnknownDevice, peer, $"'{deviceId}' is not a 20-digit GB code");
            await AnswerAsync(peer, request, 403, "Forbidden", cancellationToken);
            return;
        }

        if (SipDigest.Parse(request.Header("Authorization")) is not { } authorization)
        {
            await ChallengeAsync(request, peer, realm, cancellationToken);
            return;
        }

        var account = grains.GetGrain<IDeviceAccountGrain>(deviceId!);
        if (await account.GetDigest() is not { } credential || credential.Realm != realm)
        {
            Refuse(SipRefusal.UnknownDevice, peer, $"{deviceId} has no digest credential for realm {realm}");
            await AnswerAsync(peer, request, 403, "Forbidden", cancellationToken);
            return;
        }

        if (!_nonces.TryConsume(authorization.Nonce))
        {
            Refuse(SipRefusal.StaleNonce, peer, $"{deviceId}: a nonce not issued, used or expired");
            await ChallengeAsync(request, peer, realm, cancellationToken, stale: true);
            return;
        }

        if (authorization.Username != deviceId || authorization.Realm != realm || !SipDigest.Verify(credential.Ha1, request.Method!, authorization))
        {
            Refuse(SipRefusal.WrongDigest, peer, $"{deviceId}: wrong digest");
            await AnswerAsync(peer, request, 403, "Forbidden", cancellationToken);
            return;
        }

        var requested = Expires(request);
        var now = clock.GetUtcNow();
        if (requested == 0)
        {
            directory.Remove(deviceId!);
            metrics.SipAccepted("unregister");
            await AnswerAsync(peer, request, 200, "OK", cancellationToken, r => r.Add("Expires", "0"));
            LogUnregistered(deviceId!, peer.ToString());
            return;
        }

        var granted = (int)Math.Min(requested ?? 3600, _options.MaxRegistration.TotalSeconds);
        var kind = await account.GetKind() ?? DeviceKind.Nvr;
        var fresh = directory.Register(new GbRegistration(deviceId!, kind, peer, now.AddSeconds(granted), now), out var registration);
        metrics.SipAccepted("register");
        await AnswerAsync(peer, request, 200, "OK", cancellationToken, r => r
            .Add("Expires", granted.ToString(CultureInfo.InvariantCulture))
            .Add("Date", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture)));
        await DeviceTwins.Get(grains, kind, deviceId!).ReportStatus(true, now);
        if (fresh)
        {
            LogRegistered(deviceId!, peer.ToString(), granted);
            await messages.QueryDeviceAsync(registration, cancellationToken);
        }
    }

    private async Task MessageAsync(SipMessage request, SipPeer peer, CancellationToken cancellationToken)
    {
        var deviceId = request.FromUser ?? "";
        if (directory.Find(deviceId) is not { } registration || !registration.Peer.SameAs(peer))
        {
            Refuse(SipRefusal.NotRegistered, peer, $"MESSAGE from '{deviceId}', not registered from there");
            await AnswerAsync(peer, request, 403, "Forbidden", cancellationToken);
            return;
        }

        if (!floods.TryPass(deviceId, (int)Math.Max(1, _options.KeepaliveInterval.TotalSeconds)))
        {
            Refuse(SipRefusal.RateLimited, peer, deviceId);
            await AnswerAsync(peer, request, 503, "Service Unavailable", cancellationToken, r => r.Add("Retry-After", "5"));
            return;
        }

        var document = Manscdp.Read(request.Body, _limits);
        if (!document.IsOk)
        {
            Refuse(document.Refusal!.Value, peer, $"{deviceId}: {document.Detail}");
            await AnswerAsync(peer, request, 400, "Bad Request", cancellationToken);
            return;
        }

        // Answered first: a device waits for its 200 OK, not for the engine's work.
        await AnswerAsync(peer, request, 200, "OK", cancellationToken);
        GbDirectory.Heard(registration, clock.GetUtcNow());
        if (await messages.HandleAsync(registration, document.Value!) is { } refusal)
        {
            Refuse(refusal.Reason, peer, $"{deviceId}: {refusal.Detail}");
            return;
        }

        metrics.SipAccepted(document.Value!.CmdType.ToLowerInvariant() switch
        {
            "keepalive" => "keepalive",
            "alarm" => "alarm",
            "catalog" => "catalog",
            "deviceinfo" => "deviceInfo",
            "devicestatus" => "deviceStatus",
            "devicecontrol" => "deviceControl",
            _ => "other",
        });
    }

    private async Task ChallengeAsync(SipMessage request, SipPeer peer, string realm, CancellationToken cancellationToken, bool stale = false)
    {
        var challenge = SipDigest.Challenge(realm, _nonces.Issue()) + (stale ? ",stale=TRUE" : "");
        await AnswerAsync(peer, request, 401, "Unauthorized", cancellationToken, r => r.Add("WWW-Authenticate", challenge));
    }

    /// <summary>The Expires header, else the Contact's expires parameter; null when neither is given.</summary>
    private static int? Expires(SipMessage request)
    {
        var text = request.Header("Expires") ?? SipUri.Parameter(request.Header("Contact"), "expires");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
    }

    private static async Task AnswerAsync(SipPeer peer, SipMessage request, int status, string reason, CancellationToken cancellationToken, Action<SipMessage>? add = null)
    {
        var response = request.CreateResponse(status, reason, toTag: Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)));
        add?.Invoke(response);
        await peer.SendAsync(response.ToBytes(), cancellationToken);
    }

    private void Refuse(SipRefusal refusal, SipPeer peer, string detail)
    {
        metrics.SipRefused(refusal);
        if (_logThrottle.ShouldLog("sip-" + refusal.Name()))
        {
            LogRefused(refusal.Name(), peer.ToString(), detail);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GB/T 28181 device {DeviceId} registered from {Peer} for {Seconds} s")]
    private partial void LogRegistered(string deviceId, string peer, int seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "GB/T 28181 device {DeviceId} unregistered from {Peer}")]
    private partial void LogUnregistered(string deviceId, string peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused SIP ({Reason}) from {Peer}: {Detail}")]
    private partial void LogRefused(string reason, string peer, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a SIP message from {Peer} failed")]
    private partial void LogFailed(Exception exception, string peer);
}
