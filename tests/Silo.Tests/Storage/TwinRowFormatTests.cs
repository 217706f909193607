using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Rules;
using CityOps.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace CityOps.Silo.Tests.Storage;

/// <summary>
/// A twin's rows read the same as earlier versions wrote them: its rarely used collections stored as members of their
/// own (now the fields behind properties that allocate them on first use, <see cref="DeviceTwinState"/>), its latest
/// values and history buckets stored as objects (now values).
/// </summary>
public sealed class TwinRowFormatTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private static readonly GrainStateFormat Format = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(DeviceTwinState).Assembly).AddAssembly(typeof(DeviceProfile).Assembly).AddAssembly(typeof(TwinRowFormatTests).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());

    [Fact]
    public void A_row_written_before_the_collections_were_allocated_on_use_reads_back_member_for_member()
    {
        var earlier = new TwinRowOfEarlierVersions
        {
            Values = { ["waterLevelCm"] = new ReadingAsObject(16.5, T0) },
            Online = true,
            Alarms = { ["waterlogging"] = new DeviceAlarm("waterlogging", AlarmSeverity.Major, T0, "waterLevelCm", 16.5) },
            RuleStates = { ["waterlogging:waterLevelCm"] = new RuleState(true, T0) },
            Commands = { new DeviceCommand("c1", "reboot", "{}", CommandState.Sent, 1, T0, null, null, "admin") },
            DetectionRaisedAt = { ["smoke"] = T0 },
        };

        var read = Format.Deserialize<DeviceTwinState>(Format.Serialize(earlier))!;

        read.Values.Should().Equal(new Dictionary<string, MetricReading> { ["waterLevelCm"] = new(16.5, T0) });
        read.Online.Should().BeTrue();
        read.Alarms.Should().Equal(earlier.Alarms);
        read.RuleStates.Should().Equal(earlier.RuleStates);
        read.Commands.Should().Equal(earlier.Commands);
        read.DetectionRaisedAt.Should().Equal(earlier.DetectionRaisedAt);
        read.HasPendingReports.Should().BeFalse();
    }

    [Fact]
    public void History_written_when_its_buckets_were_objects_reads_back_bucket_for_bucket()
    {
        var earlier = new HistoryOfEarlierVersions { Metrics = { ["waterLevelCm"] = [new BucketAsObject(T0, 33, 10, 23, 2), new BucketAsObject(T0.AddMinutes(5), 12, 12, 12, 1)] } };

        var read = Format.Deserialize<DeviceHistoryState>(Format.Serialize(earlier))!;

        read.Metrics["waterLevelCm"].Should().Equal(new HistoryBucket(T0, 33, 10, 23, 2), new HistoryBucket(T0.AddMinutes(5), 12, 12, 12, 1));
    }

    /// <summary>A metric's latest value as versions before this one stored it: an object, not a value.</summary>
    [GenerateSerializer]
    public sealed record ReadingAsObject([property: Id(0)] double Value, [property: Id(1)] DateTimeOffset Timestamp);

    /// <summary>A history bucket as versions before this one stored it: an object, not a value.</summary>
    [GenerateSerializer]
    public sealed record BucketAsObject(
        [property: Id(0)] DateTimeOffset Start, [property: Id(1)] double Sum, [property: Id(2)] double Min, [property: Id(3)] double Max, [property: Id(4)] int Count);

    [GenerateSerializer]
    public sealed class HistoryOfEarlierVersions
    {
        [Id(0)] public Dictionary<string, List<BucketAsObject>> Metrics { get; set; } = [];
    }

    /// <summary>The stored members of a twin as versions before this one declared them: properties with [Id]s, collections allocated up front.</summary>
    [GenerateSerializer]
    public sealed class TwinRowOfEarlierVersions
    {
        [Id(0)] public DeviceProfile? Profile { get; set; }
        [Id(1)] public Dictionary<string, ReadingAsObject> Values { get; set; } = [];
        [Id(2)] public DateTimeOffset? LastSeen { get; set; }
        [Id(3)] public bool Online { get; set; }
        [Id(4)] public Dictionary<string, DeviceAlarm> Alarms { get; set; } = [];
        [Id(5)] public Dictionary<string, RuleState> RuleStates { get; set; } = [];
        [Id(7)] public List<DeviceCommand> Commands { get; set; } = [];
        [Id(12)] public Dictionary<string, DateTimeOffset> DetectionRaisedAt { get; set; } = [];
    }
}
