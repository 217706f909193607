namespace CityOps.Samples.DeviceSimulator;

/// <summary>
/// The rainstorm story, as a pure function of simulated time since the simulator started and of a device's grid
/// cell: a dry lead-in, rain ramping up to 40–60 mm/h, then — lagging the rain as drains fill up — water standing
/// 30–40 cm deep in low-lying cells (a few cm elsewhere), then everything recedes. Times are simulated time, so
/// <see cref="SimulatorOptions.TimeScale"/> compresses the story for demos.
/// </summary>
public static class RainstormScenario
{
    public static readonly TimeSpan RainBegins = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan RainPeaks = TimeSpan.FromMinutes(20);
    public static readonly TimeSpan RainEases = TimeSpan.FromMinutes(40);
    public static readonly TimeSpan RainStops = TimeSpan.FromMinutes(60);

    public static readonly TimeSpan FloodBegins = TimeSpan.FromMinutes(12);
    public static readonly TimeSpan FloodPeaks = TimeSpan.FromMinutes(32);
    public static readonly TimeSpan FloodEases = TimeSpan.FromMinutes(45);
    public static readonly TimeSpan FloodGone = TimeSpan.FromMinutes(90);

    /// <summary>The moment the water stands highest everywhere.</summary>
    public static readonly TimeSpan Peak = TimeSpan.FromMinutes(38);

    /// <summary>Rainfall intensity (mm/h) over a cell; each cell peaks somewhere between 40 and 60 mm/h.</summary>
    public static double RainMmPerHour(TimeSpan elapsed, string cellCode)
    {
        var peak = 40 + 20 * CellFraction(cellCode, salt: 1);
        return peak * Envelope(elapsed, RainBegins, RainPeaks, RainEases, RainStops);
    }

    /// <summary>
    /// Water standing in a cell (cm above its dry level): 30–40 cm at the peak where the cell is low-lying,
    /// 2–6 cm where the drains keep up.
    /// </summary>
    public static double StandingWaterCm(TimeSpan elapsed, string cellCode, bool lowLying)
    {
        var peak = lowLying ? 30 + 10 * CellFraction(cellCode, salt: 2) : 2 + 4 * CellFraction(cellCode, salt: 3);
        return peak * Envelope(elapsed, FloodBegins, FloodPeaks, FloodEases, FloodGone);
    }

    /// <summary>0 outside [rise, end], 1 on [top, fall], smooth ramps between.</summary>
    private static double Envelope(TimeSpan t, TimeSpan rise, TimeSpan top, TimeSpan fall, TimeSpan end)
    {
        if (t <= rise || t >= end)
        {
            return 0;
        }

        if (t < top)
        {
            return SmoothStep((t - rise) / (top - rise));
        }

        return t <= fall ? 1 : 1 - SmoothStep((t - fall) / (end - fall));
    }

    private static double SmoothStep(double x) => x * x * (3 - 2 * x);

    /// <summary>A stable per-cell number in [0, 1), so every run floods the same cells equally deep.</summary>
    private static double CellFraction(string cellCode, uint salt) => StableHash.Of(cellCode, salt) % 10_000 / 10_000.0;
}
