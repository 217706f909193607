namespace CityOps.DeviceGateway.Payloads;

/// <summary>Either a parsed payload or the reason it was refused, with a detail for the log.</summary>
public readonly record struct ParseResult<T>(T? Value, RejectReason? Reason, string? Detail)
    where T : class
{
    public bool IsOk => Value is not null;

    public static ParseResult<T> Ok(T value) => new(value, null, null);

    public static ParseResult<T> Reject(RejectReason reason, string detail) => new(null, reason, detail);
}
