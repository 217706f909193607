namespace CityOps.Grains.Interfaces.Devices;

/// <summary>One telemetry message from a device, already parsed and checked at the gateway.</summary>
/// <param name="Timestamp">When the device measured (its <c>ts</c>), or when the engine received it.</param>
/// <param name="Seq">The device's sequence number, when it sends one; makes QoS 1 redelivery idempotent.</param>
/// <param name="Values">Metric name → value, e.g. <c>waterLevelCm</c> → 12.5.</param>
[GenerateSerializer, Immutable]
public sealed record TelemetryReport(
    [property: Id(0)] DateTimeOffset Timestamp,
    [property: Id(1)] long? Seq,
    [property: Id(2)] IReadOnlyDictionary<string, double> Values);

/// <summary>
/// The latest value of one metric and when it was measured. A value, not an object: a twin replaces it with every
/// reading, and a struct kept inside the twin's dictionary costs neither an allocation nor the collector's attention then.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct MetricReading([property: Id(0)] double Value, [property: Id(1)] DateTimeOffset Timestamp);

/// <summary>What became of a batch of readings at the twin.</summary>
/// <param name="Duplicates">Redeliveries of (deviceId, seq) already applied, dropped.</param>
/// <param name="Refused">Readings refused because they would give the twin more metrics than it keeps.</param>
[GenerateSerializer, Immutable]
public readonly record struct TelemetryApplied([property: Id(0)] int Duplicates, [property: Id(1)] int Refused);
