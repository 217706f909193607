namespace CityOps.Samples.DeviceSimulator;

/// <summary>Settings of the device simulator, bound from the configuration section <c>Simulator</c>.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Whether the silo starts the simulator at all (<c>Simulator:Enabled</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The MQTT broker the simulated devices connect to.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The broker's port; when unset, <c>Mqtt:Port</c> (default 1883) is used.</summary>
    public int? Port { get; set; }

    /// <summary>The MQTT topic root; when unset, <c>Mqtt:TopicRoot</c> (default <c>city</c>) is used.</summary>
    public string? TopicRoot { get; set; }

    /// <summary>How many devices of the city file to simulate; 0 simulates all of them.</summary>
    public int MaxDevices { get; set; } = 5000;

    /// <summary>How many connection attempts or publishes run at the same time.</summary>
    public int ConnectParallelism { get; set; } = 32;

    /// <summary>The weather story to play: <c>none</c> or <c>rainstorm</c>.</summary>
    public SimulationScenario Scenario { get; set; } = SimulationScenario.None;

    /// <summary>How much faster simulated time runs than wall-clock time (reporting intervals shrink by the same factor).</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>Seed of the pseudo-random values; unset gives a different run each start.</summary>
    public int? Seed { get; set; }

    /// <summary>Probability per report that a sensor misbehaves (stuck or spiking value).</summary>
    public double FaultRate { get; set; } = 0.0005;

    /// <summary>Probability per report that a device drops offline for a while.</summary>
    public double OfflineRate { get; set; } = 0.0002;

    /// <summary>The city's offset from UTC, which drives day/night cycles (China Standard Time by default).</summary>
    public double UtcOffsetHours { get; set; } = 8;

    /// <summary>The folder with <c>devices.json</c> and <c>cells.geojson</c>; when unset, <c>City:Path</c> is used.</summary>
    public string? CityPath { get; set; }
}

/// <summary>The weather stories the simulator can play.</summary>
public enum SimulationScenario
{
    /// <summary>Dry weather: only daily cycles, faults and the odd incident.</summary>
    None,

    /// <summary>A rainstorm that floods the low-lying cells, then recedes (see <see cref="RainstormScenario"/>).</summary>
    Rainstorm,
}
