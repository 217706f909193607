using CityOps.Grains.Interfaces.City;

namespace CityOps.Samples.DeviceSimulator;

/// <summary>A video AI detection a camera reports.</summary>
public readonly record struct Detection(string Kind, double Confidence);

/// <summary>
/// The simulated state of one device, without MQTT: its site-specific traits, battery, lighting override and faults.
/// Readings combine the pure <see cref="SensorModels"/> with the weather of <see cref="RainstormScenario"/>.
/// Not thread-safe except for the lighting override, which commands set from MQTT threads.
/// </summary>
public sealed class DeviceModel
{
    private static readonly TimeSpan MeanTimeBetweenDetections = TimeSpan.FromHours(4);
    private static readonly TimeSpan MeanTimeBetweenSos = TimeSpan.FromHours(500);

    /// <summary>Water deeper than this shows up on camera as waterlogging.</summary>
    private const double VisibleFloodCm = 15;

    private static readonly (string Kind, double Weight)[] EverydayDetections =
    [
        ("illegal_parking", 0.45),
        ("street_vending", 0.2),
        ("garbage_overflow", 0.2),
        ("crowding", 0.12),
        ("smoke_fire", 0.03),
    ];

    private readonly DeviceRecord _device;
    private readonly bool _lowLying;
    private readonly SimulationScenario _scenario;
    private readonly double _faultRate;
    private readonly Random _random;
    private readonly Lock _lightGate = new();

    // Traits of the site: a station by a busy road reads dirtier and louder than one in a park.
    private readonly double _siteFactor;
    private readonly double _coarseRatio;
    private readonly double _noiseOffsetDb;
    private readonly double _waterBaselineCm;
    private readonly double _tiltBaselineDeg;
    private readonly double _gasBaselineLel;
    private readonly double _pressureBaselineMpa;
    private readonly double _batteryDrainPerDay;

    private double _battery;
    private TimeSpan _lastSampleElapsed;
    private Dictionary<string, double>? _lastSensorValues;
    private int _stuckReports;
    private (int Level, LightPhase SetDuring)? _lightOverride;

    public DeviceModel(DeviceRecord device, bool lowLying, SimulationScenario scenario, double faultRate, Random random)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(random);
        _device = device;
        _lowLying = lowLying;
        _scenario = scenario;
        _faultRate = faultRate;
        _random = random;

        _siteFactor = Between(0.8, 1.2);
        _coarseRatio = Between(1.3, 1.8);
        _noiseOffsetDb = Between(-3, 3);
        _waterBaselineCm = Between(0, 2);
        _tiltBaselineDeg = Between(0.2, 1.5);
        _gasBaselineLel = Between(0.3, 2);
        _pressureBaselineMpa = Between(0.27, 0.38);

        // A few devices start nearly flat or drain fast, so low-battery warnings show up in a demo.
        _battery = random.NextDouble() < 0.1 ? Between(8, 25) : Between(60, 100);
        _batteryDrainPerDay = random.NextDouble() < 0.1 ? Between(2, 5) : Between(0.1, 0.5);
    }

    public DeviceKind Kind => _device.Kind;

    /// <summary>Whether the device runs on a battery (NB-IoT/LoRa sensors) rather than mains power.</summary>
    public bool HasBattery => Kind is DeviceKind.WaterLevel or DeviceKind.Manhole or DeviceKind.Gas
        or DeviceKind.Hydrant or DeviceKind.RainGauge;

    public bool HasLight => Kind == DeviceKind.SmartPole;

    /// <summary>
    /// The readings at a simulated moment. <paramref name="elapsed"/> is simulated time since the start: it drives
    /// the weather story and how much the battery has drained since the previous reading.
    /// </summary>
    public IReadOnlyDictionary<string, double> Sample(DateTimeOffset localTime, TimeSpan elapsed)
    {
        var rain = RainMmPerHour(elapsed);
        var values = new Dictionary<string, double>();
        switch (Kind)
        {
            case DeviceKind.SmartPole:
                AddEnvironment(values, localTime, rain);
                values[Metrics.NoiseDb] = SensorModels.NoiseDb(localTime, _noiseOffsetDb, _random);
                break;
            case DeviceKind.AirQuality:
                AddEnvironment(values, localTime, rain);
                break;
            case DeviceKind.Noise:
                values[Metrics.NoiseDb] = SensorModels.NoiseDb(localTime, _noiseOffsetDb, _random);
                break;
            case DeviceKind.WaterLevel:
                values[Metrics.WaterLevelCm] = SensorModels.WaterLevelCm(_waterBaselineCm, StandingWaterCm(elapsed), _random);
                break;
            case DeviceKind.RainGauge:
                values[Metrics.RainMm] = SensorModels.RainMm(rain, _random);
                break;
            case DeviceKind.Manhole:
                values[Metrics.TiltDeg] = SensorModels.TiltDeg(_tiltBaselineDeg, _random);
                break;
            case DeviceKind.Gas:
                values[Metrics.GasLel] = SensorModels.GasLel(_gasBaselineLel, _random);
                break;
            case DeviceKind.Hydrant:
                values[Metrics.PressureMpa] = SensorModels.PressureMpa(_pressureBaselineMpa, _random);
                break;
            case DeviceKind.Camera:
                break;
        }

        ApplyFaults(values);

        // Battery and lighting are reported by the controller, not the sensor, so sensor faults leave them alone.
        if (HasBattery)
        {
            _battery = SensorModels.DrainBattery(_battery, elapsed - _lastSampleElapsed, _batteryDrainPerDay);
            values[Metrics.Battery] = Math.Round(_battery);
        }

        if (HasLight)
        {
            values[Metrics.LightLevel] = LightLevel(localTime);
        }

        _lastSampleElapsed = elapsed;
        return values;
    }

    /// <summary>
    /// Applies a <c>setLight</c> command; like a real lighting controller, the manual level holds until the
    /// schedule moves to its next phase. Returns false when the device has no light or the level is out of range.
    /// </summary>
    public bool SetLight(int level, DateTimeOffset localTime)
    {
        if (!HasLight || level is < 0 or > 100)
        {
            return false;
        }

        lock (_lightGate)
        {
            _lightOverride = (level, SensorModels.LightPhaseAt(localTime));
        }

        return true;
    }

    /// <summary>The light level now: the manual override while its phase lasts, the schedule otherwise.</summary>
    public int LightLevel(DateTimeOffset localTime)
    {
        var phase = SensorModels.LightPhaseAt(localTime);
        lock (_lightGate)
        {
            if (_lightOverride is { } manual && manual.SetDuring == phase)
            {
                return manual.Level;
            }

            _lightOverride = null;
        }

        return SensorModels.LightLevel(phase);
    }

    /// <summary>Whether a passer-by presses the pole's one-key SOS button during this report interval (rare).</summary>
    public bool PressesSos(TimeSpan interval) => HasLight && Chance(interval, MeanTimeBetweenSos);

    /// <summary>What the camera's AI box spots during this report interval, if anything.</summary>
    public Detection? Detect(TimeSpan elapsed, TimeSpan interval)
    {
        if (Kind != DeviceKind.Camera)
        {
            return null;
        }

        if (StandingWaterCm(elapsed) > VisibleFloodCm && _random.NextDouble() < 0.3)
        {
            return new Detection("waterlogging", Confidence());
        }

        if (!Chance(interval, MeanTimeBetweenDetections))
        {
            return null;
        }

        var pick = _random.NextDouble() * EverydayDetections.Sum(d => d.Weight);
        var index = 0;
        while (index < EverydayDetections.Length - 1 && pick >= EverydayDetections[index].Weight)
        {
            pick -= EverydayDetections[index].Weight;
            index++;
        }

        return new Detection(EverydayDetections[index].Kind, Confidence());
    }

    private void AddEnvironment(Dictionary<string, double> values, DateTimeOffset localTime, double rain)
    {
        var pm25 = SensorModels.Pm25(localTime, rain, _siteFactor, _random);
        values[Metrics.Pm25] = pm25;
        values[Metrics.Pm10] = SensorModels.Pm10(pm25, _coarseRatio, _random);
        values[Metrics.TemperatureC] = SensorModels.TemperatureC(localTime, rain, _random);
        values[Metrics.HumidityPct] = SensorModels.HumidityPct(localTime, rain, _random);
    }

    /// <summary>Now and then a sensor sticks (repeats its last readings for a few reports) or spikes once.</summary>
    private void ApplyFaults(Dictionary<string, double> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        if (_stuckReports == 0 && _lastSensorValues is not null && _random.NextDouble() < _faultRate)
        {
            if (_random.NextDouble() < 0.5)
            {
                _stuckReports = _random.Next(3, 9);
            }
            else
            {
                var metric = values.Keys.ElementAt(_random.Next(values.Count));
                values[metric] = Math.Round(values[metric] * Between(2, 4), 3);
            }
        }

        if (_stuckReports > 0 && _lastSensorValues is not null)
        {
            _stuckReports--;
            foreach (var (metric, value) in _lastSensorValues)
            {
                values[metric] = value;
            }
        }

        _lastSensorValues = new Dictionary<string, double>(values);
    }

    private double RainMmPerHour(TimeSpan elapsed) => _scenario == SimulationScenario.Rainstorm
        ? RainstormScenario.RainMmPerHour(elapsed, _device.CellCode)
        : 0;

    private double StandingWaterCm(TimeSpan elapsed) => _scenario == SimulationScenario.Rainstorm
        ? RainstormScenario.StandingWaterCm(elapsed, _device.CellCode, _lowLying)
        : 0;

    /// <summary>Whether an event with the given mean spacing (simulated time) happens within one interval.</summary>
    private bool Chance(TimeSpan interval, TimeSpan meanTimeBetween) =>
        _random.NextDouble() < 1 - Math.Exp(-interval / meanTimeBetween);

    private double Confidence() => Math.Round(Between(0.6, 0.98), 2);

    private double Between(double min, double max) => min + _random.NextDouble() * (max - min);
}
