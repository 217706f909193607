using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Rules;
using CityOps.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace CityOps.Silo.Tests.Storage;

/// <summary>
/// A twin's row is read the same whether its rarely used collections were stored as members of their own (earlier
/// versions) or by the fields behind properties that allocate them on first use (<see cref="DeviceTwinState"/>).
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
            Values = { ["waterLevelCm"] = new MetricReading(16.5, T0) },
            Online = true,
            Alarms = { ["waterlogging"] = new DeviceAlarm("waterlogging", AlarmSeverity.Major, T0, "waterLevelCm", 16.5) },
            RuleStates = { ["waterlogging:waterLevelCm"] = new RuleState(true, T0) },
            Commands = { new DeviceCommand("c1", "reboot", "{}", CommandState.Sent, 1, T0, null, null, "admin") },
            DetectionRaisedAt = { ["smoke"] = T0 },
        };

        var read = Format.Deserialize<DeviceTwinState>(Format.Serialize(earlier))!;

        read.Values.Should().Equal(earlier.Values);
        read.Online.Should().BeTrue();
        read.Alarms.Should().Equal(earlier.Alarms);
        read.RuleStates.Should().Equal(earlier.RuleStates);
        read.Commands.Should().Equal(earlier.Commands);
        read.DetectionRaisedAt.Should().Equal(earlier.DetectionRaisedAt);
        read.HasPendingReports.Should().BeFalse();
    }

    /// <summary>The stored members of a twin as versions before this one declared them: properties with [Id]s, collections allocated up front.</summary>
    [GenerateSerializer]
    public sealed class TwinRowOfEarlierVersions
    {
        [Id(0)] public DeviceProfile? Profile { get; set; }
        [Id(1)] public Dictionary<string, MetricReading> Values { get; set; } = [];
        [Id(2)] public DateTimeOffset? LastSeen { get; set; }
        [Id(3)] public bool Online { get; set; }
        [Id(4)] public Dictionary<string, DeviceAlarm> Alarms { get; set; } = [];
        [Id(5)] public Dictionary<string, RuleState> RuleStates { get; set; } = [];
        [Id(7)] public List<DeviceCommand> Commands { get; set; } = [];
        [Id(12)] public Dictionary<string, DateTimeOffset> DetectionRaisedAt { get; set; } = [];
    }
}
