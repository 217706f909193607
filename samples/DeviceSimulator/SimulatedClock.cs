namespace CityOps.Samples.DeviceSimulator;

/// <summary>
/// Maps wall-clock time onto simulated time: simulated time starts at the real start time and runs
/// <see cref="TimeScale"/> times faster. Payload timestamps stay wall-clock; only the values follow simulated time.
/// </summary>
public sealed class SimulatedClock(DateTimeOffset realStart, double timeScale, TimeSpan utcOffset)
{
    public DateTimeOffset RealStart { get; } = realStart;

    public double TimeScale { get; } = timeScale > 0 ? timeScale : 1;

    /// <summary>Simulated time elapsed since the start.</summary>
    public TimeSpan Elapsed(DateTimeOffset now) => (now - RealStart) * TimeScale;

    /// <summary>The simulated moment in the city's local time, which drives the daily cycles.</summary>
    public DateTimeOffset LocalTime(DateTimeOffset now) => (RealStart + Elapsed(now)).ToOffset(utcOffset);

    /// <summary>How long a simulated duration takes in wall-clock time.</summary>
    public TimeSpan ToReal(TimeSpan simulated) => simulated / TimeScale;
}
