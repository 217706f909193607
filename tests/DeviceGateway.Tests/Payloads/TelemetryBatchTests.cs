using System.Buffers;
using System.Text;
using CityOps.DeviceGateway.Payloads;

namespace CityOps.DeviceGateway.Tests.Payloads;

/// <summary>An aggregator's batch on <c>{root}/gw/{gatewayId}/telemetry</c>, parsed by <see cref="TelemetryParser.ParseBatch"/>.</summary>
public class TelemetryBatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private readonly TelemetryParser _parser = new(new FixedClock(Now));

    private ParseResult<IReadOnlyList<TelemetryBatchEntry>> Parse(string json) =>
        _parser.ParseBatch(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_valid_batch_yields_each_devices_reading_in_order()
    {
        var result = Parse("""
            [{"deviceId":"WL-1","ts":"2026-11-22T07:59:00Z","seq":1,"values":{"waterLevelCm":12.5}},
             {"deviceId":"GS-2","values":{"gasLel":3}}]
            """);

        result.IsOk.Should().BeTrue();
        var entries = result.Value!;
        entries.Select(e => e.DeviceId).Should().Equal("WL-1", "GS-2");
        var first = entries[0].Report.Value!;
        first.Timestamp.Should().Be(new DateTimeOffset(2026, 11, 22, 7, 59, 0, TimeSpan.Zero));
        first.Seq.Should().Be(1);
        first.Values.Should().Equal(new Dictionary<string, double> { ["waterLevelCm"] = 12.5 });
        entries[1].Report.Value!.Timestamp.Should().Be(Now);
    }

    [Fact]
    public void One_bad_entry_among_good_ones_is_refused_alone_with_its_reason()
    {
        var result = Parse("""
            [{"deviceId":"WL-1","values":{"waterLevelCm":1}},
             {"deviceId":"WL-2","values":{"waterLevelCm":{"deep":[1,2,{"x":3}]}},"admin":true},
             {"deviceId":"WL-3","values":{"waterLevelCm":"NaN"}},
             [1,2,3],
             {"deviceId":"WL-4","values":{"waterLevelCm":4}}]
            """);

        result.IsOk.Should().BeTrue();
        var entries = result.Value!;
        entries.Select(e => e.Report.Reason).Should().Equal(
            null, RejectReason.WrongType, RejectReason.NonFiniteNumber, RejectReason.WrongType, null);
        entries[1].DeviceId.Should().Be("WL-2");
        entries[4].Report.Value!.Values["waterLevelCm"].Should().Be(4);
    }

    [Theory]
    [InlineData("""[{"values":{"waterLevelCm":1}}]""", RejectReason.NoValues)]
    [InlineData("""[{"deviceId":7,"values":{"waterLevelCm":1}}]""", RejectReason.WrongType)]
    [InlineData("""[{"deviceId":"city/../WL-1","values":{"waterLevelCm":1}}]""", RejectReason.OutOfRange)]
    [InlineData("""[{"deviceId":"WL-1","deviceId":"WL-2","values":{"waterLevelCm":1}}]""", RejectReason.DuplicateField)]
    public void An_entry_must_name_one_well_formed_device(string json, RejectReason reason)
    {
        Parse(json).Value!.Single().Report.Reason.Should().Be(reason);
    }

    [Fact]
    public void A_batch_with_more_entries_than_the_limit_is_refused_whole()
    {
        var entries = Enumerable.Range(0, TelemetryParser.MaxBatchEntries + 1).Select(i => $$$"""{"deviceId":"WL-{{{i}}}","values":{}}""");

        Parse("[" + string.Join(',', entries) + "]").Reason.Should().Be(RejectReason.PayloadTooLarge);
    }

    [Fact]
    public void A_batch_over_the_size_limit_is_refused_before_it_is_read()
    {
        var padding = new string(' ', TelemetryParser.MaxBatchBytes);

        Parse("[" + padding + "]").Reason.Should().Be(RejectReason.PayloadTooLarge);
    }

    [Theory]
    [InlineData("""{"deviceId":"WL-1","values":{"waterLevelCm":1}}""", RejectReason.WrongType)]
    [InlineData("42", RejectReason.WrongType)]
    [InlineData("""[{"deviceId":"WL-1","values":{"waterLevelCm":1}}""", RejectReason.MalformedJson)]
    [InlineData("""[{"deviceId":"WL-1","values":{}}] []""", RejectReason.MalformedJson)]
    [InlineData("", RejectReason.MalformedJson)]
    public void A_payload_that_is_not_one_json_array_is_refused_whole(string json, RejectReason reason)
    {
        Parse(json).Reason.Should().Be(reason);
    }

    [Fact]
    public void A_deeply_nested_entry_is_refused_as_too_deep_and_the_next_entry_still_counts()
    {
        var deep = new string('[', 20) + new string(']', 20);

        var result = Parse($$$"""[{{{deep}}},{"deviceId":"WL-1","values":{"waterLevelCm":2}}]""");

        result.Value!.Select(e => e.Report.Reason).Should().Equal(RejectReason.TooDeep, null);
    }

    [Fact]
    public void An_empty_batch_has_no_entries()
    {
        Parse("[]").Value.Should().BeEmpty();
    }

    [Fact]
    public void A_single_devices_payload_still_refuses_a_device_id_field()
    {
        _parser.Parse(new ReadOnlySequence<byte>("""{"deviceId":"WL-1","values":{"a":1}}"""u8.ToArray())).Reason.Should().Be(RejectReason.UnknownField);
    }
}
