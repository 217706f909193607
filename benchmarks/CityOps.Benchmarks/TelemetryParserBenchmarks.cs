using System.Buffers;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using CityOps.DeviceGateway.Payloads;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Benchmarks;

/// <summary>
/// The gateway parses every MQTT telemetry message before anything else happens to it: one
/// device's reading, and an aggregator's (NB-IoT/LoRa platform's) batch of 50 devices.
/// </summary>
[MemoryDiagnoser]
public class TelemetryParserBenchmarks
{
    private readonly TelemetryParser _parser = new(TimeProvider.System);
    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _batch;

    [GlobalSetup]
    public void Setup()
    {
        var ts = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("O", CultureInfo.InvariantCulture);
        _single = new(Encoding.UTF8.GetBytes($$"""{"values":{"waterLevelCm":3.5},"seq":12,"ts":"{{ts}}"}"""));

        var batch = new StringBuilder("[");
        for (var i = 1; i <= 50; i++)
        {
            batch.Append(CultureInfo.InvariantCulture, $$$"""{"deviceId":"WL-990101-{{{i:D5}}}","ts":"{{{ts}}}","seq":{{{1000 + i}}},"values":{"waterLevelCm":{{{(i % 20) + 0.5}}}}}""");
            batch.Append(i < 50 ? "," : "]");
        }

        _batch = new(Encoding.UTF8.GetBytes(batch.ToString()));
        if (!Parse().IsOk || ParseBatch().Value is not { Count: 50 } entries || entries.Any(e => !e.Report.IsOk))
        {
            throw new InvalidOperationException("The benchmark payloads must parse.");
        }
    }

    [Benchmark(Description = "Telemetry Parse (1 reading)")]
    public ParseResult<TelemetryReport> Parse() => _parser.Parse(_single);

    [Benchmark(Description = "Telemetry ParseBatch (50 devices)")]
    public ParseResult<IReadOnlyList<TelemetryBatchEntry>> ParseBatch() => _parser.ParseBatch(_batch);
}
