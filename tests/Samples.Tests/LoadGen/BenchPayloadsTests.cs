using System.Text;
using CityOps.Samples.LoadGen;

namespace CityOps.Samples.Tests.LoadGen;

public sealed class BenchPayloadsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 8, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void A_device_message_carries_the_send_time_modulo_a_billion_its_seq_and_its_ts_to_the_millisecond() =>
        Encoding.UTF8.GetString(BenchPayloads.Telemetry(At, 42))
            .Should().Be($"{{\"values\":{{\"benchSentMs\":{At.ToUnixTimeMilliseconds() % 1_000_000_000}}},\"seq\":42,\"ts\":\"2026-11-22T08:00:00.123Z\"}}");

    [Fact]
    public void A_time_in_another_offset_is_written_in_UTC() =>
        BenchPayloads.Timestamp(At.ToOffset(TimeSpan.FromHours(8))).Should().Be("2026-11-22T08:00:00.123Z");

    [Fact]
    public void A_batch_is_the_aggregator_array_of_docs_devices_md_one_reading_a_device()
    {
        var sent = At.ToUnixTimeMilliseconds() % 1_000_000_000;

        Encoding.UTF8.GetString(BenchPayloads.Batch(At, [("WL-990101-00001", 7), ("MH-990101-00002", 8)])).Should().Be(
            $"[{{\"deviceId\":\"WL-990101-00001\",\"ts\":\"2026-11-22T08:00:00.123Z\",\"seq\":7,\"values\":{{\"benchSentMs\":{sent}}}}},"
            + $"{{\"deviceId\":\"MH-990101-00002\",\"ts\":\"2026-11-22T08:00:00.123Z\",\"seq\":8,\"values\":{{\"benchSentMs\":{sent}}}}}]");
    }

    [Fact]
    public void The_sent_stamp_stays_below_the_engines_limit_of_a_billion() =>
        BenchPayloads.SentMs(DateTimeOffset.UtcNow).Should().BeInRange(0, 999_999_999);

    [Fact]
    public void An_age_is_now_less_the_stamp() =>
        BenchPayloads.AgeMs(BenchPayloads.SentMs(At), At.AddMilliseconds(250)).Should().Be(250);

    [Fact]
    public void An_age_is_right_across_the_wrap_of_the_modulus()
    {
        var beforeWrap = DateTimeOffset.FromUnixTimeMilliseconds(1_999_999_990);
        BenchPayloads.SentMs(beforeWrap).Should().Be(999_999_990);

        BenchPayloads.AgeMs(BenchPayloads.SentMs(beforeWrap), beforeWrap.AddMilliseconds(30)).Should().Be(30);
    }

    [Fact]
    public void The_stamp_is_read_back_from_a_device_message_without_parsing_it_whole()
    {
        BenchPayloads.TryReadSentMs(BenchPayloads.Telemetry(At, 1), out var sent).Should().BeTrue();

        sent.Should().Be(BenchPayloads.SentMs(At));
    }

    [Fact]
    public void The_first_stamp_is_read_back_from_a_batch()
    {
        BenchPayloads.TryReadSentMs(BenchPayloads.Batch(At, [("A", 1), ("B", 1)]), out var sent).Should().BeTrue();

        sent.Should().Be(BenchPayloads.SentMs(At));
    }

    [Fact]
    public void A_payload_without_a_stamp_has_none_to_read() =>
        BenchPayloads.TryReadSentMs("{\"values\":{\"waterLevelCm\":3.5}}"u8, out _).Should().BeFalse();
}
