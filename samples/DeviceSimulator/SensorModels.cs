namespace CityOps.Samples.DeviceSimulator;

/// <summary>The phases of a smart pole's lighting schedule.</summary>
public enum LightPhase
{
    Day,
    Evening,
    LateNight,
    Dawn,
}

/// <summary>
/// Pure value models of the sensors: each reading is a function of the city's local time, the weather and a
/// seeded <see cref="Random"/>, so the daily cycles can be tested without MQTT. Readings are rounded the way a
/// real device would report them.
/// </summary>
public static class SensorModels
{
    /// <summary>Typical PM2.5 (µg/m³) at an hour of day: rush-hour peaks, night-time inversions, a clean afternoon.</summary>
    public static double Pm25Mean(double hour) =>
        30 + 45 * Bump(hour, 8, 1.5) + 35 * Bump(hour, 18.5, 1.8) + 25 * Bump(hour, 2, 3);

    /// <summary>PM2.5 of one station; <paramref name="siteFactor"/> makes busy roads dirtier than parks, rain washes particles out.</summary>
    public static double Pm25(DateTimeOffset localTime, double rainMmPerHour, double siteFactor, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var washout = 1 - 0.5 * Math.Min(rainMmPerHour / 50, 1);
        return Math.Round(Pm25Mean(HourOf(localTime)) * siteFactor * washout * Jitter(random, 0.1));
    }

    /// <summary>PM10 follows PM2.5 with the station's coarse-particle ratio (about 1.3–1.8).</summary>
    public static double Pm10(double pm25, double coarseRatio, Random random) =>
        Math.Round(pm25 * coarseRatio * Jitter(random, 0.05));

    /// <summary>Typical street noise (dB) at an hour of day: about 40 dB at 03:00, a 58 dB day, 65–70 dB at rush hours.</summary>
    public static double NoiseMean(double hour)
    {
        var daytime = Logistic((hour - 6) / 0.7) * Logistic((22.5 - hour) / 0.7);
        return 40 + 18 * daytime + 10 * (Bump(hour, 8, 1.2) + Bump(hour, 18, 1.5));
    }

    public static double NoiseDb(DateTimeOffset localTime, double siteOffsetDb, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Math.Round(NoiseMean(HourOf(localTime)) + siteOffsetDb + Spread(random, 1.5), 1);
    }

    /// <summary>Air temperature: coolest before dawn, warmest mid-afternoon, a few degrees cooler in heavy rain.</summary>
    public static double TemperatureC(DateTimeOffset localTime, double rainMmPerHour, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var daily = 18 + 5 * Math.Cos(2 * Math.PI * (HourOf(localTime) - 14.5) / 24);
        return Math.Round(daily - 3 * Math.Min(rainMmPerHour / 30, 1) + Spread(random, 0.3), 1);
    }

    /// <summary>Relative humidity: the mirror image of temperature, close to saturation in rain.</summary>
    public static double HumidityPct(DateTimeOffset localTime, double rainMmPerHour, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var daily = 65 - 15 * Math.Cos(2 * Math.PI * (HourOf(localTime) - 14.5) / 24);
        var wet = daily + (97 - daily) * Math.Min(rainMmPerHour / 20, 1);
        return Math.Round(Math.Clamp(wet + Spread(random, 2), 0, 100));
    }

    /// <summary>Water level (cm): the dry-weather baseline of 0–3 cm plus whatever water stands in the cell.</summary>
    public static double WaterLevelCm(double baselineCm, double standingWaterCm, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Math.Round(baselineCm + standingWaterCm + random.NextDouble(), 1);
    }

    /// <summary>Rain gauge (mm/h): exactly 0 when it is dry, gauge noise otherwise.</summary>
    public static double RainMm(double rainMmPerHour, Random random) =>
        rainMmPerHour <= 0 ? 0 : Math.Round(rainMmPerHour * Jitter(random, 0.05), 1);

    /// <summary>Manhole cover tilt (°): a seated cover rocks a little around its baseline (0–2°).</summary>
    public static double TiltDeg(double baselineDeg, Random random) =>
        Math.Round(Math.Max(0, baselineDeg + Spread(random, 0.2)), 1);

    /// <summary>Gas concentration (% LEL): background readings of 0–3 %.</summary>
    public static double GasLel(double baselineLel, Random random) =>
        Math.Round(Math.Max(0, baselineLel + Spread(random, 0.3)), 1);

    /// <summary>Hydrant pressure (MPa): a municipal main at 0.25–0.4 MPa with small fluctuations.</summary>
    public static double PressureMpa(double baselineMpa, Random random) =>
        Math.Round(Math.Max(0, baselineMpa + Spread(random, 0.01)), 3);

    /// <summary>The lighting schedule: on at dusk, dimmed late at night, on again for the early commute, off by day.</summary>
    public static LightPhase LightPhaseAt(DateTimeOffset localTime) => HourOf(localTime) switch
    {
        >= 18.5 and < 23 => LightPhase.Evening,
        >= 23 or < 5 => LightPhase.LateNight,
        >= 5 and < 6.5 => LightPhase.Dawn,
        _ => LightPhase.Day,
    };

    /// <summary>The scheduled light level (0–100) of a phase.</summary>
    public static int LightLevel(LightPhase phase) => phase switch
    {
        LightPhase.Evening or LightPhase.Dawn => 100,
        LightPhase.LateNight => 40,
        _ => 0,
    };

    /// <summary>A battery after <paramref name="elapsed"/> simulated time: it only ever drains, and stops at 0.</summary>
    public static double DrainBattery(double levelPct, TimeSpan elapsed, double percentPerDay) =>
        Math.Max(0, levelPct - Math.Max(0, percentPerDay) * Math.Max(0, elapsed.TotalDays));

    private static double HourOf(DateTimeOffset localTime) => localTime.TimeOfDay.TotalHours;

    /// <summary>A bell curve around <paramref name="center"/> on the 24-hour circle, 1 at its centre.</summary>
    private static double Bump(double hour, double center, double width)
    {
        var distance = Math.Abs(hour - center) % 24;
        distance = Math.Min(distance, 24 - distance);
        return Math.Exp(-0.5 * Math.Pow(distance / width, 2));
    }

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>A multiplicative noise factor within ±<paramref name="fraction"/>.</summary>
    private static double Jitter(Random random, double fraction) => 1 + Spread(random, fraction);

    /// <summary>Uniform noise within ±<paramref name="amplitude"/>.</summary>
    private static double Spread(Random random, double amplitude) => (random.NextDouble() * 2 - 1) * amplitude;
}
