using System.Buffers;
using System.Text;
using CityOps.DeviceGateway.Payloads;

namespace CityOps.DeviceGateway.Tests.Payloads;

public class TelemetryParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private readonly TelemetryParser _parser = new(new FixedClock(Now));

    private ParseResult<Grains.Interfaces.Devices.TelemetryReport> Parse(string json) =>
        _parser.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_full_message_yields_its_time_sequence_and_values()
    {
        var result = Parse("""{"ts":"2026-11-22T07:59:00Z","seq":42,"values":{"waterLevelCm":12.5,"battery":87}}""");

        result.IsOk.Should().BeTrue();
        result.Value!.Timestamp.Should().Be(new DateTimeOffset(2026, 11, 22, 7, 59, 0, TimeSpan.Zero));
        result.Value.Seq.Should().Be(42);
        result.Value.Values.Should().Equal(new Dictionary<string, double> { ["waterLevelCm"] = 12.5, ["battery"] = 87 });
    }

    [Theory]
    [InlineData("2026-11-22T07:59:00Z")]
    [InlineData("2026-11-22T07:59:00.000Z")]
    [InlineData("2026-11-22T15:59:00+08:00")]
    [InlineData("2026-11-22T07:59:00")]
    [InlineData("2026-11-22 07:59:00Z")]
    public void A_time_in_UTC_with_an_offset_or_without_one_reads_as_the_same_instant(string ts)
    {
        var result = Parse($$$"""{"ts":"{{{ts}}}","values":{"waterLevelCm":12.5}}""");

        result.Value!.Timestamp.Should().Be(new DateTimeOffset(2026, 11, 22, 7, 59, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Values_alone_are_enough_and_are_stamped_with_the_time_of_receipt()
    {
        var result = Parse("""{"values":{"waterLevelCm":3.5}}""");

        result.Value!.Timestamp.Should().Be(Now);
        result.Value.Seq.Should().BeNull();
    }

    [Fact]
    public void Readings_of_one_metric_share_one_name_string_for_every_twin_that_keeps_it()
    {
        var first = Parse("""{"values":{"waterLevelCm":3.5}}""").Value!.Values.Keys.Single();
        var second = Parse("""{"ts":"2026-11-22T07:59:00Z","values":{"waterLevelCm":4}}""").Value!.Values.Keys.Single();

        second.Should().BeSameAs(first);
    }

    [Fact]
    public void An_escaped_metric_name_is_read_as_the_name_it_spells()
    {
        Parse("""{"values":{"water\u004cevelCm":3.5}}""").Value!.Values.Should().ContainKey("waterLevelCm");
    }

    [Fact]
    public void An_empty_values_object_is_a_heartbeat()
    {
        Parse("""{"seq":7,"values":{}}""").Value!.Values.Should().BeEmpty();
    }

    [Fact]
    public void A_device_clock_far_ahead_is_replaced_by_the_time_of_receipt()
    {
        Parse("""{"ts":"2030-01-01T00:00:00Z","values":{"noiseDb":55}}""").Value!.Timestamp.Should().Be(Now);
    }

    [Fact]
    public void Booleans_are_read_as_one_and_zero()
    {
        Parse("""{"values":{"occupied":true,"lampFault":false}}""").Value!.Values.Should()
            .Equal(new Dictionary<string, double> { ["occupied"] = 1, ["lampFault"] = 0 });
    }

    [Theory]
    [InlineData("{\"values\":{\"a\":1}", RejectReason.MalformedJson)]
    [InlineData("not json", RejectReason.MalformedJson)]
    [InlineData("", RejectReason.MalformedJson)]
    [InlineData("{\"values\":{\"a\":1}} trailing", RejectReason.MalformedJson)]
    [InlineData("{\"values\":{\"pm25\":NaN}}", RejectReason.MalformedJson)]
    [InlineData("{\"values\":{\"pm25\":\"NaN\"}}", RejectReason.NonFiniteNumber)]
    [InlineData("{\"values\":{\"pm25\":\"Infinity\"}}", RejectReason.NonFiniteNumber)]
    [InlineData("{\"values\":{\"pm25\":1e400}}", RejectReason.NonFiniteNumber)]
    [InlineData("{\"values\":{\"pm25\":1e15}}", RejectReason.OutOfRange)]
    [InlineData("{\"values\":{\"pm25\":\"high\"}}", RejectReason.WrongType)]
    [InlineData("{\"values\":{\"pm25\":{\"v\":1}}}", RejectReason.WrongType)]
    [InlineData("{\"values\":[1,2]}", RejectReason.WrongType)]
    [InlineData("[1,2,3]", RejectReason.WrongType)]
    [InlineData("{\"values\":{\"a\":1},\"extra\":1}", RejectReason.UnknownField)]
    [InlineData("{\"values\":{\"a\":1},\"values\":{\"b\":2}}", RejectReason.DuplicateField)]
    [InlineData("{\"values\":{\"a\":1,\"a\":2}}", RejectReason.DuplicateField)]
    [InlineData("{\"seq\":1}", RejectReason.NoValues)]
    [InlineData("{\"seq\":-1,\"values\":{\"a\":1}}", RejectReason.OutOfRange)]
    [InlineData("{\"seq\":\"1\",\"values\":{\"a\":1}}", RejectReason.WrongType)]
    [InlineData("{\"ts\":\"yesterday\",\"values\":{\"a\":1}}", RejectReason.InvalidTimestamp)]
    [InlineData("{\"values\":{\"bad name\":1}}", RejectReason.InvalidMetricName)]
    [InlineData("{\"values\":{\"1st\":1}}", RejectReason.InvalidMetricName)]
    public void Hostile_or_malformed_payloads_are_refused_with_their_reason(string json, RejectReason reason)
    {
        var result = Parse(json);

        result.IsOk.Should().BeFalse();
        result.Reason.Should().Be(reason);
    }

    [Fact]
    public void Deep_nesting_is_refused_as_too_deep()
    {
        var json = "{\"values\":{\"a\":" + new string('[', 50) + new string(']', 50) + "}}";

        Parse(json).Reason.Should().Be(RejectReason.TooDeep);
    }

    [Fact]
    public void A_payload_over_the_size_limit_is_refused_before_it_is_read()
    {
        var parser = new TelemetryParser(new FixedClock(Now), maxPayloadBytes: 64);
        var json = "{\"values\":{\"a\":1},\"pad\":\"" + new string('x', 100) + "\"}";

        parser.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json))).Reason.Should().Be(RejectReason.PayloadTooLarge);
    }

    [Fact]
    public void More_metrics_than_the_limit_are_refused()
    {
        var metrics = string.Join(',', Enumerable.Range(0, TelemetryParser.MaxMetrics + 1).Select(i => $"\"m{i}\":{i}"));

        Parse("{\"values\":{" + metrics + "}}").Reason.Should().Be(RejectReason.TooManyMetrics);
    }

    [Fact]
    public void A_payload_split_across_buffer_segments_parses_like_a_contiguous_one()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"values":{"waterLevelCm":3.5}}""");
        var first = new Segment(bytes.AsMemory(0, 10));
        var last = first.Append(bytes.AsMemory(10));

        var result = _parser.Parse(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));

        result.Value!.Values["waterLevelCm"].Should().Be(3.5);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
