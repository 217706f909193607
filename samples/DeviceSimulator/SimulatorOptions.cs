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

    /// <summary>
    /// Several gateways as <c>host:port</c>, comma-separated (<c>Simulator:Brokers</c>), in place of
    /// <see cref="Host"/> and <see cref="Port"/>: devices are spread over them and a device whose gateway
    /// fails connects to the next, as devices configured with a primary and a standby gateway do.
    /// </summary>
    public string? Brokers { get; set; }

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

/// <summary>An MQTT broker address a simulated device may connect to.</summary>
public sealed record BrokerEndpoint(string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port}";

    /// <summary>
    /// The brokers of <see cref="SimulatorOptions.Brokers"/>, or the one of <see cref="SimulatorOptions.Host"/> and
    /// <paramref name="port"/> when none are listed.
    /// </summary>
    public static IReadOnlyList<BrokerEndpoint> From(SimulatorOptions options, int port)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Brokers))
        {
            return [new BrokerEndpoint(options.Host, port)];
        }

        return [.. options.Brokers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];
    }

    private static BrokerEndpoint Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? new BrokerEndpoint(text[..colon], port)
            : throw new InvalidOperationException($"Simulator:Brokers entry '{text}' is not host:port.");
    }
}
