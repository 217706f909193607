using System.Reflection;
using System.Text;
using CityOps.Grains.Devices;
using CityOps.Grains.Events;
using CityOps.Grains.Grid;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Situation;
using CityOps.Grains.Situation.History;
using CityOps.Grains.Users;
using CityOps.Silo.Storage;
using FsCheck.Xunit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace CityOps.Silo.Tests.Storage;

/// <summary>
/// The one format grain state is stored in (<see cref="GrainStateFormat"/>): every persisted state
/// reads back as it was written, names no .NET type, and state written by earlier versions in
/// Newtonsoft JSON still reads.
/// </summary>
public sealed class GrainStateFormatTests
{
    private static readonly GrainStateFormat Format = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(DeviceTwinState).Assembly).AddAssembly(typeof(DeviceProfile).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());

    /// <summary>The state types whose shapes vary and are generated in <see cref="StateArbitraries"/>.</summary>
    private static readonly Type[] Generated =
    [
        typeof(DeviceTwinState), typeof(GridCellState), typeof(UrbanEventState), typeof(EventIndexState),
        typeof(AlarmOutboxState), typeof(AuditTrailState), typeof(UserAccountState), typeof(AdminAuditState), typeof(DeviceRegistryState),
        typeof(SituationHistoryState), typeof(AlertDeskState),
    ];

    /// <summary>Every T of an <c>IPersistentState&lt;T&gt;</c> a grain asks for, and the states device twins read themselves.</summary>
    public static TheoryData<Type> PersistedStateTypes()
    {
        var types = typeof(DeviceTwinState).Assembly.GetTypes()
            .SelectMany(t => t.GetConstructors())
            .SelectMany(c => c.GetParameters())
            .Where(p => p.GetCustomAttribute<PersistentStateAttribute>() is not null)
            .Select(p => p.ParameterType.GetGenericArguments()[0])
            .Concat([typeof(DeviceTwinState), typeof(DeviceHistoryState), typeof(AlarmOutboxState)])
            .Distinct();
        var data = new TheoryData<Type>();
        foreach (var type in types.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            data.Add(type);
        }

        return data;
    }

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 200)]
    public void A_device_twin_reads_back_as_written(DeviceTwinState state) => RoundTrip(state);

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 200)]
    public void A_grid_cell_reads_back_as_written_whatever_list_its_alarms_came_in(GridCellState state) => RoundTrip(state);

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 200)]
    public void A_case_reads_back_as_written(UrbanEventState state) => RoundTrip(state);

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 100)]
    public void A_district_index_reads_back_as_written(EventIndexState state) => RoundTrip(state);

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 100)]
    public void A_twin_outbox_reads_back_as_written(AlarmOutboxState state) => RoundTrip(state);

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 100)]
    public void An_audit_trail_reads_back_as_written(AuditTrailState state) => RoundTrip(state);

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 100)]
    public void A_user_account_reads_back_as_written(UserAccountState state) => RoundTrip(state);

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 100)]
    public void The_user_directory_reads_back_as_written(UserDirectoryState state) => RoundTrip(state);

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 100)]
    public void An_administration_audit_reads_back_as_written(AdminAuditState state) => RoundTrip(state);

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 100)]
    public void A_device_registry_shard_reads_back_as_written(DeviceRegistryState state) => RoundTrip(state);

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 100)]
    public void A_districts_history_day_reads_back_as_written(SituationHistoryState state) => RoundTrip(state);

    [Property(Arbitrary = [typeof(StateArbitraries)], MaxTest = 100)]
    public void A_districts_alert_desk_reads_back_as_written(AlertDeskState state) => RoundTrip(state);

    [Theory]
    [MemberData(nameof(PersistedStateTypes))]
    public void Every_persisted_state_reads_back_empty_as_it_was_created(Type stateType)
    {
        var empty = Activator.CreateInstance(stateType)!;

        var read = typeof(GrainStateFormatTests).GetMethod(nameof(WriteAndRead), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(stateType).Invoke(null, [empty]);

        read.Should().BeEquivalentTo(empty, o => o.RespectingRuntimeTypes());
        read.Should().NotBeSameAs(empty);
    }

    [Fact]
    public void Every_persisted_state_with_lists_or_nullable_members_is_generated_by_the_property_tests()
    {
        var persisted = PersistedStateTypes().Cast<object[]>().Select(row => (Type)row[0]).ToList();
        var simple = persisted.Except(Generated)
            .Where(t => t.GetProperties().Any(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() != typeof(Nullable<>)));

        Generated.Should().BeSubsetOf(persisted);
        // Simple states (a few scalars, or dictionaries of records of scalars) are covered by the empty round trip and the engine tests.
        simple.Select(t => t.Name).Should().BeSubsetOf(
            ["AggregatorAccountState", "DepartmentState", "DeviceHistoryState", "EventNumberState", "KpiLedgerState", "RegionState"]);
    }

    /// <summary>
    /// A member declared as an interface (IReadOnlyList) or an open class is stored with the name of
    /// whatever runtime type filled it; a concrete, exact declaration (an array, a List, a sealed
    /// record) is stored by its members alone. Collection expressions then build exactly the declared type.
    /// </summary>
    [Fact]
    public void Every_member_of_a_persisted_state_is_declared_with_the_exact_type_it_holds()
    {
        var loose = new List<string>();
        var seen = new HashSet<Type>();
        foreach (var type in PersistedStateTypes().Cast<object[]>().Select(row => (Type)row[0]))
        {
            Walk(type);
        }

        loose.Should().BeEmpty();

        void Walk(Type type)
        {
            if (type.IsArray)
            {
                Walk(type.GetElementType()!);
                return;
            }

            foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
            {
                Walk(argument);
            }

            if (!seen.Add(type) || type.Namespace?.StartsWith("CityOps", StringComparison.Ordinal) != true)
            {
                return;
            }

            for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                // Stored members are [Id] properties, or [Id] fields behind properties that allocate on first use.
                var stored = t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .Where(p => p.GetCustomAttribute<IdAttribute>() is not null).Select(p => (p.Name, Declared: p.PropertyType))
                    .Concat(t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                        .Where(f => f.GetCustomAttribute<IdAttribute>() is not null).Select(f => (f.Name, Declared: f.FieldType)));
                foreach (var (name, memberType) in stored)
                {
                    var declared = Nullable.GetUnderlyingType(memberType) ?? memberType;
                    if (declared.IsInterface || declared.IsAbstract || !(declared.IsSealed || declared.IsValueType || IsExactCollection(declared)))
                    {
                        loose.Add($"{t.Name}.{name}: {declared.Name}");
                    }

                    Walk(declared);
                }
            }
        }

        static bool IsExactCollection(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() is var d
            && (d == typeof(List<>) || d == typeof(Dictionary<,>) || d == typeof(HashSet<>) || d == typeof(Queue<>));
    }

    [Fact]
    public void A_stored_state_names_no_runtime_type_even_for_lists_made_by_collection_expressions()
    {
        var state = new GridCellState
        {
            Devices = { ["POLE-990103-00001"] = new ReportedCellStatus(true, "Critical,Major").ToStatus("POLE-990103-00001", Grains.Interfaces.City.DeviceKind.SmartPole) },
        };

        var payload = Encoding.Latin1.GetString(Format.Serialize(state).ToArray());

        payload.Should().NotContain("z__").And.NotContain("System.").And.NotContain("CityOps.").And.NotContain("$type");
        RoundTrip(state);
    }

    [Fact]
    public void State_written_in_the_earlier_json_format_reads_back_member_for_member()
    {
        var rows = LegacyRows();
        rows.Select(r => r.StateName).Should().Contain(["device", "gridCell", "urbanEvent", "auditTrail", "eventIndex", "kpiLedger", "region"]);

        foreach (var (stateName, key, payload) in rows)
        {
            GrainStateFormat.IsLegacyJson(payload).Should().BeTrue();
            var read = () => Read(stateName, payload);
            read.Should().NotThrow($"{stateName} {key} was written by the earlier format");
        }

        var cell = rows.Select(r => Read(r.StateName, r.Payload)).OfType<GridCellState>().Single(c => c.Devices.ContainsKey("POLE-990103-00001"));
        cell.Devices["POLE-990103-00001"].ActiveAlarms.Should().Equal(AlarmSeverity.Critical);
        cell.Devices["POLE-990103-00001"].Online.Should().BeTrue();
        var pole = rows.Where(r => r.StateName == "device").Select(r => (DeviceTwinState)Read(r.StateName, r.Payload)).Single(t => t.Profile!.Id == "POLE-990103-00001");
        pole.Alarms.Should().ContainKey("sos");
        var gauge = rows.Where(r => r.StateName == "device").Select(r => (DeviceTwinState)Read(r.StateName, r.Payload)).Single(t => t.Profile!.Id == "WL-990101-00001");
        gauge.Values.Should().HaveCount(2).And.ContainKey("battery");
        gauge.Values["waterLevelCm"].Value.Should().Be(31.0);
        var sos = rows.Where(r => r.StateName == "urbanEvent").Select(r => (UrbanEventState)Read(r.StateName, r.Payload)).Single(c => c.Report!.Category == "sos");
        sos.Status.State.Should().Be(Grains.Interfaces.Events.EventState.Dispatched);
        sos.Department.Should().Be("police");
    }

    [Fact]
    public void A_binary_payload_is_never_taken_for_the_earlier_json()
    {
        GrainStateFormat.IsLegacyJson(Format.Serialize(new UrbanEventState()).ToArray()).Should().BeFalse();
        GrainStateFormat.IsLegacyJson(Format.Serialize(new DeviceTwinState()).ToArray()).Should().BeFalse();
        GrainStateFormat.IsLegacyJson("{\"$id\":\"1\"}"u8).Should().BeTrue();
        GrainStateFormat.IsLegacyJson("\uFEFF{}"u8).Should().BeTrue();
    }

    /// <summary>The path of the database an earlier version of the engine wrote: a smart pole with an SOS case, a water-level breach, a report.</summary>
    public static string LegacyDatabase => Path.Combine(AppContext.BaseDirectory, "Storage", "Fixtures", "legacy-json-state.db");

    private static void RoundTrip<T>(T state)
    {
        var payload = Format.Serialize(state).ToArray();
        GrainStateFormat.IsLegacyJson(payload).Should().BeFalse();
        Encoding.Latin1.GetString(payload).Should().NotContain("CityOps.").And.NotContain("System.").And.NotContain("z__");
        WriteAndRead(state).Should().BeEquivalentTo(state, o => o.RespectingRuntimeTypes().ComparingByMembers<T>());
    }

    private static T WriteAndRead<T>(T state) => Format.Deserialize<T>(Format.Serialize(state))!;

    private static object Read(string stateName, byte[] payload) => stateName switch
    {
        "device" => Format.Deserialize<DeviceTwinState>(new BinaryData(payload))!,
        "deviceHistory" => Format.Deserialize<DeviceHistoryState>(new BinaryData(payload))!,
        "deviceAccount" => Format.Deserialize<DeviceAccountState>(new BinaryData(payload))!,
        "gridCell" => Format.Deserialize<GridCellState>(new BinaryData(payload))!,
        "region" => Format.Deserialize<RegionState>(new BinaryData(payload))!,
        "urbanEvent" => Format.Deserialize<UrbanEventState>(new BinaryData(payload))!,
        "auditTrail" => Format.Deserialize<AuditTrailState>(new BinaryData(payload))!,
        "auditAnchor" => Format.Deserialize<AuditAnchorState>(new BinaryData(payload))!,
        "eventIndex" => Format.Deserialize<EventIndexState>(new BinaryData(payload))!,
        "eventNumber" => Format.Deserialize<EventNumberState>(new BinaryData(payload))!,
        "kpiLedger" => Format.Deserialize<KpiLedgerState>(new BinaryData(payload))!,
        "cityImport" => Format.Deserialize<Grains.City.CityImportState>(new BinaryData(payload))!,
        "aggregatorAccount" => Format.Deserialize<Grains.Gateway.AggregatorAccountState>(new BinaryData(payload))!,
        _ => throw new InvalidOperationException($"No state type for '{stateName}'."),
    };

    private static List<(string StateName, string? Key, byte[] Payload)> LegacyRows()
    {
        using var connection = new SqliteConnection($"Data Source={LegacyDatabase};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT GrainTypeString, GrainIdExtensionString, PayloadBinary FROM OrleansStorage WHERE PayloadBinary IS NOT NULL";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string?, byte[])>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), (byte[])reader.GetValue(2)));
        }

        return rows;
    }
}
