using System.Globalization;
using Orleans.Concurrency;

namespace CityOps.Grains.Interfaces.Situation;

/// <summary>What happened on the map at a moment, kept for replay.</summary>
public enum HappeningKind
{
    CaseOpened,
    CaseClosed,
    Alarm,

    /// <summary>A device went silent (its <c>device_offline</c> alarm).</summary>
    DeviceSilent,
}

/// <summary>One thing that happened in a district, with where: a case opening or ending, an alarm, a device falling silent.</summary>
/// <param name="Subject">The case id or the device id.</param>
/// <param name="What">The case's category or the alarm's kind.</param>
/// <param name="Level">The case's urgency or the alarm's severity, in the API's camelCase.</param>
[GenerateSerializer, Immutable]
public sealed record SituationHappening(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] HappeningKind Kind,
    [property: Id(2)] string Subject,
    [property: Id(3)] string What,
    [property: Id(4)] string Level,
    [property: Id(5)] double Longitude,
    [property: Id(6)] double Latitude);

/// <summary>
/// A district's situation in one minute: the standing counts at its end (devices, online, active
/// alarms, open and overdue cases) and what happened during it (alarms raised, cases opened and
/// ended, devices gone silent).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MinuteCounts(
    [property: Id(0)] DateTimeOffset Minute,
    [property: Id(1)] int Devices,
    [property: Id(2)] int Online,
    [property: Id(3)] int Alarms,
    [property: Id(4)] int CriticalAlarms,
    [property: Id(5)] int OpenCases,
    [property: Id(6)] int OverdueCases,
    [property: Id(7)] int AlarmsRaised,
    [property: Id(8)] int CasesOpened,
    [property: Id(9)] int CasesClosed,
    [property: Id(10)] int DevicesSilent);

/// <summary>
/// One district's situation history for one UTC day, keyed <c>{district}:{yyyyMMdd}</c>
/// (<see cref="SituationHistoryKeys"/>): its minutes and happenings. The district's situation feed
/// hands it each minute once, so it is written at most once a minute; days older than
/// <see cref="SituationHistoryKeys.RetentionDays"/> are forgotten.
/// </summary>
public interface ISituationHistoryGrain : IGrainWithStringKey
{
    /// <summary>A finished minute and what happened in it; a minute recorded before is replaced.</summary>
    [OneWay]
    Task Record(MinuteCounts minute, SituationHappening[] happenings);

    ValueTask<MinuteCounts[]> GetMinutes();

    /// <summary>The happenings from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), oldest first.</summary>
    ValueTask<SituationHappening[]> GetHappenings(DateTimeOffset from, DateTimeOffset to);

    /// <summary>The cases opened from <paramref name="from"/> to <paramref name="to"/>, counted by category.</summary>
    ValueTask<Dictionary<string, int>> CountOpenedByCategory(DateTimeOffset from, DateTimeOffset to);

    /// <summary>Drops the day's history: it has aged out.</summary>
    [OneWay]
    Task Forget();
}

/// <summary>How a district's history is keyed and how long it is kept.</summary>
public static class SituationHistoryKeys
{
    public const int RetentionDays = 30;

    public static string Of(string district, DateTimeOffset at) =>
        $"{district}:{at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    /// <summary>The keys of the days from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    public static IEnumerable<string> Days(string district, DateTimeOffset from, DateTimeOffset to)
    {
        for (var day = from.UtcDateTime.Date; day <= to.UtcDateTime.Date; day = day.AddDays(1))
        {
            yield return Of(district, new DateTimeOffset(day, TimeSpan.Zero));
        }
    }
}
