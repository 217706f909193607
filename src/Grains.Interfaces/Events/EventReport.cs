namespace CityOps.Grains.Interfaces.Events;

/// <summary>How a report reached the engine (信息采集渠道).</summary>
public enum EventChannel
{
    /// <summary>An IoT sensor's threshold or alarm.</summary>
    Sensor,

    /// <summary>A video channel's AI detection.</summary>
    Video,

    /// <summary>An operator at the command centre.</summary>
    Operator,

    /// <summary>A grid inspector (网格员/监督员) in the field.</summary>
    Inspector,

    /// <summary>The 12345 hotline or another system through Open311.</summary>
    Hotline,
}

/// <summary>Where a case is: a WGS 84 point, the grid cell it falls in and, when given, an address.</summary>
[GenerateSerializer, Immutable]
public sealed record EventLocation(
    [property: Id(0)] double Longitude,
    [property: Id(1)] double Latitude,
    [property: Id(2)] string CellCode,
    [property: Id(3)] string? Address = null);

/// <summary>One report of a problem, from any channel, before intake decides whether it opens a case or adds to one.</summary>
/// <param name="Category">A catalogue category code.</param>
/// <param name="Reporter">A username, device id or Open311 client that reported it.</param>
/// <param name="Urgency">Raised above the category's own urgency by whoever reported it; null keeps the category's.</param>
/// <param name="PhotoSha256s">Evidence already stored, by SHA-256.</param>
/// <param name="Origin">Where the report came from (client address, device, channel), for the audit trail.</param>
/// <param name="Contact">A citizen's contact given to the hotline, kept with the case and never listed.</param>
/// <param name="MediaUrl">A photo the reporter published elsewhere and linked to (Open311's <c>media_url</c>).</param>
/// <param name="IdempotencyKey">
/// Names this report among its retries: a device alarm's id, or a client's <c>Idempotency-Key</c>
/// qualified by who sent it. Intake takes a report with a key it has seen as the same report again
/// and answers with the same case; intake gives a report without one a fresh key.
/// </param>
/// <param name="PhotoSm3s">In 国密 mode, the SM3 digests of the photos, in their order, as the evidence store computed them.</param>
[GenerateSerializer, Immutable]
public sealed record EventReport(
    [property: Id(0)] string Category,
    [property: Id(1)] EventLocation Location,
    [property: Id(2)] string? Description,
    [property: Id(3)] EventChannel Channel,
    [property: Id(4)] string Reporter,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] EventUrgency? Urgency = null,
    [property: Id(7)] string[]? PhotoSha256s = null,
    [property: Id(8)] string? Origin = null,
    [property: Id(9)] string? Contact = null,
    [property: Id(10)] string? MediaUrl = null,
    [property: Id(11)] string? IdempotencyKey = null,
    [property: Id(12)] string[]? PhotoSm3s = null);

/// <summary>What intake did with a report: opened a case, or counted it on an open case it duplicates.</summary>
[GenerateSerializer, Immutable]
public sealed record IntakeResult(
    [property: Id(0)] string EventId,
    [property: Id(1)] bool Merged,
    [property: Id(2)] EventState State);
