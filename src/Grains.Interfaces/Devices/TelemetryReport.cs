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

/// <summary>The latest value of one metric and when it was measured.</summary>
[GenerateSerializer, Immutable]
public sealed record MetricReading([property: Id(0)] double Value, [property: Id(1)] DateTimeOffset Timestamp);
