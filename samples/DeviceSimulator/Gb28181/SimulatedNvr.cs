using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Xml;
using CityOps.Grains.Interfaces.City;
using CityOps.Sip;

namespace CityOps.Samples.DeviceSimulator.Gb28181;

/// <summary>
/// A GB/T 28181 network video recorder as a real one behaves towards a platform: it REGISTERs and answers the digest
/// challenge, sends Keepalive, answers the platform's Catalog, DeviceInfo and DeviceStatus queries, acknowledges
/// DeviceControl (PTZ presets) with 200 OK and a Response, and can raise alarms. Over UDP or TCP.
/// </summary>
public sealed class SimulatedNvr(GbRecorderRecord recorder, string secret, IPEndPoint server, string transport = "UDP", string serverId = "34020000002000000001")
    : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, TaskCompletionSource<SipMessage>> _waiting = new(StringComparer.Ordinal);
    private readonly string _tag = Token();
    private SipChannel? _channel;
    private long _cseq;
    private string? _realm;

    public string Id => recorder.Id;

    public GbRecorderRecord Recorder => recorder;

    /// <summary>The presets the platform called, by channel, in order.</summary>
    public ConcurrentQueue<(string Channel, int Preset)> PresetsCalled { get; } = new();

    /// <summary>The platform's queries by CmdType, counted.</summary>
    public ConcurrentDictionary<string, int> QueriesAnswered { get; } = new(StringComparer.Ordinal);

    /// <summary>Answer PTZ with an error, as a camera that cannot turn does.</summary>
    public bool RefuseControl { get; set; }

    /// <summary>Registers (challenge and answer); the final status code (200 when registered).</summary>
    public async Task<int> RegisterAsync(CancellationToken cancellationToken, int expires = 3600, string? password = null)
    {
        var channel = await ChannelAsync(cancellationToken);
        var first = await RequestAsync(Register(expires, null), cancellationToken);
        if (first.StatusCode != 401 || SipDigest.Parameters(first.Header("WWW-Authenticate"), "Digest") is not { } challenge)
        {
            return first.StatusCode;
        }

        _realm = challenge.GetValueOrDefault("realm") ?? "";
        var authorization = new DigestAuthorization(Id, _realm, challenge.GetValueOrDefault("nonce") ?? "", $"sip:{serverId}@{_realm}", "", "MD5", "auth", "00000001", Token());
        authorization = authorization with { Response = SipDigest.Response(SipDigest.Ha1(Id, _realm, password ?? secret), "REGISTER", authorization) };
        LastAuthorization = authorization;
        var answer = await RequestAsync(Register(expires, authorization), cancellationToken);
        _ = channel;
        Registered = answer.StatusCode == 200 && expires > 0;
        return answer.StatusCode;
    }

    /// <summary>Whether the platform accepted its last REGISTER and has not refused a keepalive since.</summary>
    public bool Registered { get; private set; }

    /// <summary>The last Authorization sent, for a test that replays it.</summary>
    public DigestAuthorization? LastAuthorization { get; private set; }

    /// <summary>Sends a REGISTER carrying the given authorization as it is (a replay); the status code.</summary>
    public async Task<int> RegisterWithAsync(DigestAuthorization authorization, CancellationToken cancellationToken) =>
        (await RequestAsync(Register(3600, authorization), cancellationToken)).StatusCode;

    public async Task<int> KeepaliveAsync(CancellationToken cancellationToken) =>
        (await SendDocumentAsync("Notify", "Keepalive", Id, w => w.WriteElementString("Status", "OK"), cancellationToken)).StatusCode;

    /// <summary>An alarm on a channel: a video alarm whose description names the detection kind, as AI boxes send it.</summary>
    public async Task<int> AlarmAsync(string channelId, string kind, CancellationToken cancellationToken, double? confidence = null) =>
        (await SendDocumentAsync("Notify", "Alarm", channelId, w =>
        {
            w.WriteElementString("AlarmPriority", "1");
            w.WriteElementString("AlarmMethod", "5");
            w.WriteElementString("AlarmTime", DateTime.Now.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
            w.WriteElementString("AlarmDescription", kind);
            if (confidence is { } c)
            {
                w.WriteElementString("Confidence", c.ToString(CultureInfo.InvariantCulture));
            }
        }, cancellationToken)).StatusCode;

    /// <summary>Registers, then keeps alive every <paramref name="interval"/>; registers again whenever a keepalive is refused.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        var registered = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                registered = registered && await KeepaliveAsync(cancellationToken) == 200;
                Registered = registered;
                if (!registered)
                {
                    registered = await RegisterAsync(cancellationToken) == 200;
                }
            }
            catch (TimeoutException)
            {
                registered = false;
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Sends raw bytes on the device's connection (for tests of what the access point refuses).</summary>
    public async Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken) =>
        await (await ChannelAsync(cancellationToken)).SendAsync(bytes, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }
    }

    private async Task<SipChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is null)
        {
            _channel = await SipChannel.OpenAsync(transport, server, cancellationToken);
            _channel.Received = OnReceivedAsync;
            _channel.Start();
        }

        return _channel;
    }

    private SipMessage Register(int expires, DigestAuthorization? authorization)
    {
        var realm = _realm ?? (GbCodes.IsValid(serverId) ? GbCodes.DomainOf(serverId) : serverId);
        var message = NewRequest("REGISTER", $"sip:{serverId}@{realm}", $"<sip:{Id}@{realm}>", Token())
            .Add("Contact", $"<sip:{Id}@{_channel!.Local}>")
            .Add("Expires", expires.ToString(CultureInfo.InvariantCulture));
        if (authorization is not null)
        {
            message.Add("Authorization",
                $"Digest username=\"{authorization.Username}\",realm=\"{authorization.Realm}\",nonce=\"{authorization.Nonce}\",uri=\"{authorization.Uri}\"," +
                $"response=\"{authorization.Response}\",algorithm=MD5,qop=auth,nc={authorization.Nc},cnonce=\"{authorization.Cnonce}\"");
        }

        return message;
    }

    private SipMessage NewRequest(string method, string uri, string to, string callId)
    {
        var local = _channel!.Local;
        return SipMessage.Request(method, uri)
            .Add("Via", $"SIP/2.0/{transport} {local.Address}:{local.Port};rport;branch=z9hG4bK{Token()}")
            .Add("From", $"<sip:{Id}@{_realm ?? GbCodes.DomainOf(Id)}>;tag={_tag}")
            .Add("To", to)
            .Add("Call-ID", callId)
            .Add("CSeq", string.Create(CultureInfo.InvariantCulture, $"{Interlocked.Increment(ref _cseq)} {method}"))
            .Add("Max-Forwards", "70")
            .Add("User-Agent", "CityOps simulated NVR");
    }

    private async Task<SipMessage> SendDocumentAsync(string root, string cmdType, string deviceId, Action<XmlWriter>? body, CancellationToken cancellationToken)
    {
        await ChannelAsync(cancellationToken);
        var realm = _realm ?? GbCodes.DomainOf(serverId);
        var message = NewRequest("MESSAGE", $"sip:{serverId}@{realm}", $"<sip:{serverId}@{realm}>", Token())
            .Add("Content-Type", Manscdp.ContentType);
        message.Body = Manscdp.Write(root, cmdType, Interlocked.Increment(ref _cseq), deviceId, body);
        return await RequestAsync(message, cancellationToken);
    }

    private async Task<SipMessage> RequestAsync(SipMessage request, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(cancellationToken);
        var answer = new TaskCompletionSource<SipMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[request.CallId!] = answer;
        try
        {
            await channel.SendAsync(request.ToBytes(), cancellationToken);
            return await answer.Task.WaitAsync(AnswerTimeout, cancellationToken);
        }
        finally
        {
            _waiting.TryRemove(request.CallId!, out _);
        }
    }

    private async Task OnReceivedAsync(SipMessage message)
    {
        if (!message.IsRequest)
        {
            if (message.StatusCode >= 200 && message.CallId is { } callId && _waiting.TryGetValue(callId, out var waiting))
            {
                waiting.TrySetResult(message);
            }

            return;
        }

        var document = message.Method == "MESSAGE" ? Manscdp.Read(message.Body, new SipLimits()) : default;
        var ok = document.IsOk && !(document.Value!.Root == "Control" && RefuseControl);
        await _channel!.SendAsync(message.CreateResponse(ok ? 200 : 400, ok ? "OK" : "Bad Request", _tag).ToBytes(), CancellationToken.None);
        if (document.IsOk)
        {
            _ = Task.Run(() => AnswerAsync(document.Value!));
        }
    }

    private async Task AnswerAsync(ManscdpDocument query)
    {
        try
        {
            switch (query.Root, query.CmdType)
            {
                case ("Query", "Catalog"):
                    await AnswerCatalogAsync(query);
                    break;
                case ("Query", "DeviceInfo"):
                    await RespondAsync(query, w =>
                    {
                        w.WriteElementString("Result", "OK");
                        w.WriteElementString("DeviceName", recorder.Id);
                        w.WriteElementString("Manufacturer", "CityOps");
                        w.WriteElementString("Model", "Simulated NVR");
                        w.WriteElementString("Firmware", "1.0");
                        w.WriteElementString("Channel", recorder.Channels.Length.ToString(CultureInfo.InvariantCulture));
                    });
                    break;
                case ("Query", "DeviceStatus"):
                    await RespondAsync(query, w =>
                    {
                        w.WriteElementString("Result", "OK");
                        w.WriteElementString("Online", "ONLINE");
                        w.WriteElementString("Status", "OK");
                        w.WriteElementString("Encode", "ON");
                        w.WriteElementString("Record", "ON");
                    });
                    break;
                case ("Control", "DeviceControl"):
                    if (PtzCommand.ReadPreset(query.Field("PTZCmd")) is { Instruction: PtzCommand.CallPreset } preset && !RefuseControl)
                    {
                        PresetsCalled.Enqueue((query.DeviceId ?? "", preset.Preset));
                    }

                    await RespondAsync(query, w => w.WriteElementString("Result", RefuseControl ? "ERROR" : "OK"));
                    break;
                default:
                    return;
            }

            QueriesAnswered.AddOrUpdate(query.CmdType, 1, (_, n) => n + 1);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The platform asks again when it needs to.
        }
    }

    /// <summary>The catalog in pages of four channels, as recorders with many channels send it.</summary>
    private async Task AnswerCatalogAsync(ManscdpDocument query)
    {
        foreach (var page in recorder.Channels.Chunk(4))
        {
            await RespondAsync(query, w =>
            {
                w.WriteElementString("SumNum", recorder.Channels.Length.ToString(CultureInfo.InvariantCulture));
                w.WriteStartElement("DeviceList");
                w.WriteAttributeString("Num", page.Length.ToString(CultureInfo.InvariantCulture));
                foreach (var channel in page)
                {
                    w.WriteStartElement("Item");
                    w.WriteElementString("DeviceID", channel.Id);
                    w.WriteElementString("Name", channel.Name);
                    w.WriteElementString("Manufacturer", "CityOps");
                    w.WriteElementString("Parental", "0");
                    w.WriteElementString("ParentID", recorder.Id);
                    w.WriteElementString("Status", "ON");
                    w.WriteElementString("Longitude", channel.Location[0].ToString(CultureInfo.InvariantCulture));
                    w.WriteElementString("Latitude", channel.Location[1].ToString(CultureInfo.InvariantCulture));
                    w.WriteStartElement("Info");
                    w.WriteElementString("PTZType", channel.Ptz ? "1" : "3");
                    w.WriteEndElement();
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            });
        }
    }

    private async Task RespondAsync(ManscdpDocument query, Action<XmlWriter> body)
    {
        var realm = _realm ?? GbCodes.DomainOf(serverId);
        var message = NewRequest("MESSAGE", $"sip:{serverId}@{realm}", $"<sip:{serverId}@{realm}>", Token())
            .Add("Content-Type", Manscdp.ContentType);
        var sn = long.TryParse(query.Sn, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        message.Body = Manscdp.Write("Response", query.CmdType, sn, query.DeviceId ?? Id, body);
        await RequestAsync(message, CancellationToken.None);
    }

    private static string Token() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
