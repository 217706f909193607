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
        _ => reason.ToString(),
    };
}
