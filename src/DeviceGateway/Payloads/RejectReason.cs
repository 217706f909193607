namespace CityOps.DeviceGateway.Payloads;

/// <summary>Why the gateway refused a message; each reason is counted separately.</summary>
public enum RejectReason
{
    PayloadTooLarge,
    MalformedJson,
    TooDeep,
    WrongType,
    UnknownField,
    DuplicateField,
    NonFiniteNumber,
    OutOfRange,
    InvalidMetricName,
    TooManyMetrics,
    NoValues,
    InvalidTimestamp,
    ForeignTopic,
    UnknownTopic,
    UnknownDevice,
    NotAuthenticated,
    ProcessingFailed,
    RateLimited,

    /// <summary>The telemetry intake stayed full: the engine takes readings in more slowly than they arrive.</summary>
    Overloaded,
    /// <summary>A packet above <c>Mqtt:MaxPacketBytes</c> (or a first packet above <c>Mqtt:MaxConnectPacketBytes</c>): the connection is cut off.</summary>
    PacketTooLarge,

    /// <summary>A first packet that is not a CONNECT, or a malformed packet length: the connection is cut off.</summary>
    MalformedPacket,

    /// <summary>No whole CONNECT (and TLS handshake) within <c>Mqtt:ConnectTimeout</c>: the connection is closed.</summary>
    ConnectTimeout,

    /// <summary>A connection beyond <c>Mqtt:MaxConnections</c>.</summary>
    ConnectionLimit,

    /// <summary>A connection beyond <c>Mqtt:MaxConnectionsPerAddress</c> from one address.</summary>
    AddressConnectionLimit,

    /// <summary>A message from or for a device whose account is revoked.</summary>
    Revoked,

    /// <summary>An alarm or detection of a kind the device's kind may not raise (<c>DeviceEventKinds</c>).</summary>
    KindNotAllowed,
}

/// <summary>The camelCase names under which reasons appear in metrics and the API.</summary>
public static class RejectReasonNames
{
    public static string Name(this RejectReason reason) => reason switch
    {
        RejectReason.PayloadTooLarge => "payloadTooLarge",
        RejectReason.MalformedJson => "malformedJson",
        RejectReason.TooDeep => "tooDeep",
        RejectReason.WrongType => "wrongType",
        RejectReason.UnknownField => "unknownField",
        RejectReason.DuplicateField => "duplicateField",
        RejectReason.NonFiniteNumber => "nonFiniteNumber",
        RejectReason.OutOfRange => "outOfRange",
        RejectReason.InvalidMetricName => "invalidMetricName",
        RejectReason.TooManyMetrics => "tooManyMetrics",
        RejectReason.NoValues => "noValues",
        RejectReason.InvalidTimestamp => "invalidTimestamp",
        RejectReason.ForeignTopic => "foreignTopic",
        RejectReason.UnknownTopic => "unknownTopic",
        RejectReason.UnknownDevice => "unknownDevice",
        RejectReason.NotAuthenticated => "notAuthenticated",
        RejectReason.ProcessingFailed => "processingFailed",
        RejectReason.Overloaded => "overloaded",
        RejectReason.RateLimited => "rateLimited",
        RejectReason.PacketTooLarge => "packetTooLarge",
        RejectReason.MalformedPacket => "malformedPacket",
        RejectReason.ConnectTimeout => "connectTimeout",
        RejectReason.ConnectionLimit => "connectionLimit",
        RejectReason.AddressConnectionLimit => "addressConnectionLimit",
        RejectReason.Revoked => "revoked",
        RejectReason.KindNotAllowed => "kindNotAllowed",
        _ => reason.ToString(),
    };
}
