using CityOps.Grains.Devices;
using CityOps.Grains.Events;
using CityOps.Grains.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;
using CityOps.Grains.Interfaces.Users;
using CityOps.Grains.Rules;
using CityOps.Grains.Situation;
using CityOps.Grains.Situation.History;
using CityOps.Grains.Users;
using FsCheck;
using FsCheck.Fluent;

namespace CityOps.Silo.Tests.Storage;

/// <summary>
/// Generators of the persisted states whose shapes vary: collections empty and full, nullable members
/// set and unset.
/// </summary>
public static class StateArbitraries
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Gen<string> Text => Gen.Elements("a", "水位", "E20261206-000001", "WL-990101-00001", "", "sos", "pm25 > 75 µg/m³");

    private static Gen<DateTimeOffset> Instant =>
        from seconds in Gen.Choose(0, 400 * 86400)
        from offsetHours in Gen.Elements(0, 8)
        select new DateTimeOffset(Epoch.AddSeconds(seconds).UtcDateTime.AddHours(offsetHours).Ticks, TimeSpan.FromHours(offsetHours));

    private static Gen<double> Number => Gen.Choose(-100_000, 100_000).Select(n => n / 7.0);

    private static Gen<T?> OrNull<T>(Gen<T> gen) where T : class => Gen.Frequency((1, Gen.Constant<T?>(null)), (3, gen.Select(v => (T?)v)));

    private static Gen<T?> OrNullValue<T>(Gen<T> gen) where T : struct => Gen.Frequency((1, Gen.Constant<T?>(null)), (3, gen.Select(v => (T?)v)));

    private static Gen<T> Enum<T>() where T : struct, System.Enum => Gen.Elements(System.Enum.GetValues<T>());

    /// <summary>An array, empty or not; persisted records declare arrays, so what is stored is exactly what was declared.</summary>
    private static Gen<T[]> ArrayOf<T>(Gen<T> item) => Gen.ListOf(item, 4).Select(l => l.ToArray());

    private static Gen<Dictionary<string, T>> DictionaryOf<T>(Gen<T> value) =>
        from pairs in Gen.ListOf(Gen.Zip(Text, value), 5)
        select pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2);

    private static Gen<DeviceAlarm> Alarm =>
        from kind in Text
        from severity in Enum<AlarmSeverity>()
        from at in Instant
        from metric in OrNull(Text)
        from value in OrNullValue(Number)
        select new DeviceAlarm(kind, severity, at, metric, value);

    private static Gen<DeviceProfile> Profile =>
        from id in Text
        from kind in Enum<DeviceKind>()
        from lon in Number
        from interval in Gen.Choose(1, 3600)
        from presets in OrNull(ArrayOf(Gen.Choose(1, 255)))
        from video in OrNull(Gen.Constant(new VideoRecord("路口", "交通", "公安", "rtsp://127.0.0.1/1", presets)))
        from modules in OrNull(ArrayOf(Text))
        select new DeviceProfile(id, kind, "杆 " + id, lon, 27.6, "9901010010010077", interval, video, modules);

    private static Gen<DeviceCommand> Command =>
        from id in Text
        from state in Enum<CommandState>()
        from at in Instant
        from answered in OrNullValue(Instant)
        from error in OrNull(Text)
        select new DeviceCommand(id, "setLight", "{\"level\":40}", state, 1, at, answered, error, "operator");

    public static Arbitrary<DeviceTwinState> Twin() => (
        from profile in OrNull(Profile)
        from values in DictionaryOf(from v in Number from at in Instant select new MetricReading(v, at))
        from lastSeen in OrNullValue(Instant)
        from online in Gen.Elements(true, false)
        from alarms in DictionaryOf(Alarm)
        from rules in DictionaryOf(from active in Gen.Elements(true, false) from since in OrNullValue(Instant) select new RuleState(active, since))
        from highest in Gen.Choose(0, 1_000_000)
        from seen in Gen.Choose(0, int.MaxValue)
        from commands in Gen.ListOf(Command, 3)
        from snapshot in OrNull(Text)
        from reported in OrNull(from o in Gen.Elements(true, false) from sev in Gen.Elements("", "Critical", "Major,Minor") select new ReportedCellStatus(o, sev))
        from pending in Gen.ListOf(Report, 2)
        select new DeviceTwinState
        {
            PendingReports = [.. pending],
            Profile = profile,
            Values = values,
            LastSeen = lastSeen,
            Online = online,
            Alarms = alarms,
            RuleStates = rules,
            Seqs = new SeqWindow(highest, ((ulong)seen << 1) | 1UL),
            Commands = [.. commands],
            LatestSnapshot = snapshot,
            ReportedToCell = reported,
        }).ToArbitrary();

    public static Arbitrary<GridCellState> Cell() => (
        from devices in DictionaryOf(
            from id in Text
            from kind in Enum<DeviceKind>()
            from online in Gen.Elements(true, false)
            from severities in ArrayOf(Enum<AlarmSeverity>())
            select new DeviceCellStatus(id, kind, online, severities))
        from events in DictionaryOf(
            from id in Text
            from open in Gen.Elements(true, false)
            from overdue in Gen.Elements(true, false)
            from urgency in Enum<EventUrgency>()
            select new EventCellStatus(id, open, overdue, urgency))
        from updated in OrNullValue(Instant)
        from pending in Gen.Elements(true, false)
        select new GridCellState { Devices = devices, Events = events, UpdatedAt = updated, PendingReport = pending }).ToArbitrary();

    private static Gen<EventReport> Report =>
        from category in Text
        from lon in Number
        from address in OrNull(Text)
        from description in OrNull(Text)
        from channel in Enum<EventChannel>()
        from at in Instant
        from urgency in OrNullValue(Enum<EventUrgency>())
        from photos in OrNull(ArrayOf(Text))
        from key in OrNull(Text)
        select new EventReport(category, new EventLocation(lon, 27.6, "9901010010010077", address), description, channel, "operator", at, urgency, photos, "http:127.0.0.1", null, null, key);

    private static Gen<EventSummary> Summary =>
        from id in Text
        from state in Enum<EventState>()
        from report in Report
        from deadline in OrNullValue(Instant)
        from version in Gen.Choose(0, 50)
        select new EventSummary(id, report.Category, EventUrgency.Normal, state, report.Location, "water", null, report.Channel, report.At, report.At,
            EventStage.Dispatch, deadline, EscalationLevel.None, 1, report.Description, version);

    public static Arbitrary<UrbanEventState> Case() => (
        from report in OrNull(Report)
        from state in Enum<EventState>()
        from suspendedFrom in OrNullValue(Enum<EventState>())
        from clock in OrNull(from at in Instant from paused in OrNullValue(Instant) select new StageClock(EventStage.Handle, at, TimeSpan.FromHours(4), TimeSpan.FromMinutes(3), paused))
        from duplicates in Gen.ListOf(Text, 3)
        from early in Gen.ListOf(Report, 2)
        from keys in Gen.ListOf(Text, 4)
        from version in Gen.Choose(0, 100)
        from updated in Instant
        from followUps in Gen.ListOf(
            from v in Gen.Choose(1, 100)
            from kpi in OrNull(from scopes in ArrayOf(Text) select new KpiCount(new DateOnly(2026, 12, 6), EventKpiCounters.None with { Reported = v }, scopes))
            from merge in OrNull(Text)
            select new CaseFollowUp(v, kpi, merge), 3)
        select new UrbanEventState
        {
            PendingFollowUps = [.. followUps],
            Report = report,
            Status = new LifecycleStatus(state, suspendedFrom),
            Clock = clock,
            Urgency = EventUrgency.Urgent,
            Department = "water",
            Reports = duplicates.Count + 1,
            Duplicates = [.. duplicates],
            Photos = ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
            EarlyDuplicates = [.. early],
            CountedKeys = [.. keys],
            Version = version,
            UpdatedAt = updated,
        }).ToArbitrary();

    public static Arbitrary<EventIndexState> Index() => (
        from open in DictionaryOf(Summary)
        from ended in DictionaryOf(Summary)
        from admitted in DictionaryOf(from id in Text from dup in Gen.Elements(true, false) from at in Instant select new AdmittedReport(id, dup, at))
        from unopened in DictionaryOf(Report)
        select new EventIndexState { Open = open, Ended = ended, Admitted = admitted, Unopened = unopened }).ToArbitrary();

    public static Arbitrary<AlarmOutboxState> Outbox() => (
        from id in OrNull(Text)
        from kind in Enum<DeviceKind>()
        from reports in Gen.ListOf(Report, 3)
        select new AlarmOutboxState { DeviceId = id, Kind = kind, Reports = [.. reports] }).ToArbitrary();

    public static Arbitrary<DeviceRegistryState> Registry() => (
        from devices in DictionaryOf(
            from kind in Enum<DeviceKind>()
            from salt in OrNull(ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)))
            from hash in OrNull(ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)))
            from revoked in Gen.Elements(true, false)
            from profile in OrNull(Profile)
            select new RegisteredDevice(kind, salt, hash, revoked, profile))
        select new DeviceRegistryState { Devices = devices }).ToArbitrary();

    public static Arbitrary<AuditTrailState> Trail() => (
        from entries in Gen.ListOf(
            from sequence in Gen.Choose(0, 1000)
            from at in Instant
            from role in Enum<EventRole>()
            from action in Enum<EventAction>()
            from reason in OrNull(Text)
            from before in OrNullValue(Enum<EventState>())
            from after in Enum<EventState>()
            from attachments in ArrayOf(Text)
            from details in DictionaryOf(Text)
            from algorithm in Gen.Elements<string?>(null, "sha256", "sm3")
            from sm3s in OrNull(ArrayOf(Text))
            select new AuditEntry(sequence, at, "operator", role, action, reason, before, after, attachments, "http:127.0.0.1", details, new string('0', 64), new string('a', 64), algorithm, sm3s), 4)
        select new AuditTrailState { Entries = [.. entries] }).ToArbitrary();

    private static Gen<UserProfile> UserProfiles =>
        from name in Text
        from roles in ArrayOf(Gen.Elements("admin", "operator", "dispatcher", "responder"))
        from regions in ArrayOf(Gen.Elements("9901", "990101", "990101001"))
        from department in OrNull(Gen.Elements("water", "gas"))
        select new UserProfile(name, "用户 " + name, roles, regions, department);

    public static Arbitrary<UserAccountState> UserAccount() => (
        from profile in OrNull(UserProfiles)
        from hash in OrNull(Text)
        from disabled in Gen.Elements(true, false)
        from initial in Gen.Elements(true, false)
        from version in Gen.Choose(0, 1000)
        from failures in ArrayOf(Instant)
        from lockedUntil in OrNullValue(Instant)
        from sessions in DictionaryOf(
            from current in Text
            from used in ArrayOf(Text)
            from issued in Instant
            from expires in Instant
            select new UserSession { CurrentHash = current, UsedHashes = used, IssuedAt = issued, ExpiresAt = expires })
        from updated in Instant
        from lastSignIn in OrNullValue(Instant)
        select new UserAccountState
        {
            Profile = profile, PasswordHash = hash, Disabled = disabled, InitialPassword = initial, TokenVersion = version, RecentFailures = failures,
            LockedUntil = lockedUntil, Sessions = sessions, UpdatedAt = updated, LastSignInAt = lastSignIn,
        }).ToArbitrary();

    public static Arbitrary<SituationHistoryState> SituationHistory() => (
        from minutes in Gen.ListOf(
            from at in Instant
            from counts in ArrayOf(Gen.Choose(0, 100_000))
            let c = counts.Concat(new int[10]).ToArray()
            select new MinuteCounts(at, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]), 4)
        from happenings in Gen.ListOf(
            from at in Instant
            from kind in Enum<HappeningKind>()
            from subject in Text
            from what in Text
            from level in Gen.Elements("normal", "urgent", "emergency", "minor", "major", "critical")
            from lon in Number
            from lat in Number
            select new SituationHappening(at, kind, subject, what, level, lon, lat), 4)
        select new SituationHistoryState { Minutes = [.. minutes], Happenings = [.. happenings] }).ToArbitrary();

    public static Arbitrary<AlertDeskState> AlertDesk() => (
        from acknowledged in Gen.ListOf(
            from caseId in Text
            from who in Text
            from at in Instant
            select new AlertAcknowledgement(caseId, who, at), 4)
        select new AlertDeskState { Acknowledged = [.. acknowledged] }).ToArbitrary();

    public static Arbitrary<UserDirectoryState> UserDirectory() => (
        from names in ArrayOf(Text)
        from seeded in Gen.Elements(true, false)
        select new UserDirectoryState { Usernames = names, Seeded = seeded }).ToArbitrary();

    public static Arbitrary<AdminAuditState> AdminAudit() => (
        from entries in Gen.ListOf(
            from sequence in Gen.Choose(0, 1000)
            from at in Instant
            from actor in Text
            from action in Gen.Elements(AdminAuditActions.SignIn, AdminAuditActions.CreateUser, AdminAuditActions.ResetPassword)
            from subject in OrNull(Text)
            from succeeded in Gen.Elements(true, false)
            from origin in OrNull(Gen.Elements("127.0.0.1", "::1", "10.0.0.7"))
            from details in DictionaryOf(Text)
            from algorithm in Gen.Elements<string?>(null, "sha256", "sm3")
            select new AdminAuditEntry(sequence, at, actor, action, subject, succeeded, origin, details, new string('0', 64), new string('b', 64), algorithm), 4)
        select new AdminAuditState { Entries = [.. entries] }).ToArbitrary();
}
