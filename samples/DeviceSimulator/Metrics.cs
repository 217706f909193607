namespace CityOps.Samples.DeviceSimulator;

/// <summary>Telemetry metric names of the MQTT contract (DESIGN §5).</summary>
public static class Metrics
{
    public const string WaterLevelCm = "waterLevelCm";
    public const string RainMm = "rainMm";
    public const string GasLel = "gasLel";
    public const string TiltDeg = "tiltDeg";
    public const string Pm25 = "pm25";
    public const string Pm10 = "pm10";
    public const string NoiseDb = "noiseDb";
    public const string PressureMpa = "pressureMpa";
    public const string TemperatureC = "temperatureC";
    public const string HumidityPct = "humidityPct";
    public const string Battery = "battery";
    public const string LightLevel = "lightLevel";
}
