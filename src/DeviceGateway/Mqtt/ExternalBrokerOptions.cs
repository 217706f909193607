using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// The <c>Mqtt:External</c> configuration section: an external MQTT broker (mosquitto, EMQX) that
/// authenticates the devices itself and from which the engine consumes their traffic.
/// </summary>
public sealed class ExternalBrokerOptions
{
    public const string Section = "Mqtt:External";

    public bool Enabled { get; set; }

    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = 1883;

    /// <summary>The engine's own login at the broker, which must let it subscribe to every device's topics and publish commands.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>When empty, each process makes up its own, since two clients with one id throw each other off the broker.</summary>
    public string? ClientId { get; set; }

    /// <summary>The shared-subscription group (<c>$share/{group}/…</c>): gateways in one group split the devices' messages.</summary>
    public string SharedGroup { get; set; } = "cityops";
}

/// <summary>Stops the start with every problem of an enabled <c>Mqtt:External</c> section at once.</summary>
public sealed class ExternalBrokerOptionsValidator : IValidateOptions<ExternalBrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, ExternalBrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            problems.Add($"{ExternalBrokerOptions.Section}:Host is required");
        }

        if (options.Port is < 1 or > 65535)
        {
            problems.Add($"{ExternalBrokerOptions.Section}:Port must be from 1 to 65535");
        }

        if (string.IsNullOrEmpty(options.SharedGroup) || options.SharedGroup.IndexOfAny(['/', '+', '#']) >= 0)
        {
            problems.Add($"{ExternalBrokerOptions.Section}:SharedGroup must be a non-empty name without '/', '+' or '#'");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
