using System.Globalization;

namespace CityOps.Samples.LoadGen;

public enum LoadMode
{
    /// <summary>The engine's broker: every device and aggregator signs in with its own credentials.</summary>
    Engine,

    /// <summary>A plain mosquitto with an anonymous listener, and a subscriber on <c>city/#</c> that counts what arrives.</summary>
    Mosquitto,
}

/// <summary>The generator's command line (<see cref="Usage"/>).</summary>
/// <param name="Rate">Telemetry messages a second over all devices' own connections; null for as fast as each connection's acknowledgements allow.</param>
/// <param name="BatchRate">Batches a second over all aggregators; null for as fast as their acknowledgements allow.</param>
public sealed record LoadOptions(
    string City,
    int Devices,
    int Aggregators,
    int Batch,
    double? Rate,
    double? BatchRate,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Qos,
    string Host,
    int Port,
    double ConnectRate,
    LoadMode Mode,
    Uri Http,
    string User,
    string Password,
    string? Region,
    string? Json,
    int? WatchPid,
    int MaxInFlight,
    int AggregatorDevices = 0)
{
    public const int MaxDevices = 1_000_000;
    public const int MaxBatch = 500;

    private static readonly string[] Known =
    [
        "--city", "--devices", "--aggregators", "--batch", "--rate", "--batch-rate", "--duration", "--warmup", "--qos",
        "--host", "--port", "--connect-rate", "--mode", "--http", "--user", "--password", "--region", "--json",
        "--watch-pid", "--max-inflight", "--aggregator-devices",
    ];

    public static string Usage { get; } =
        """
        usage: CityOps.LoadGen --city DIR [options]
               CityOps.LoadGen compare --engine FILE --mosquitto FILE [--registration-seconds S] [--rss-mb MB] [--devices N]

        Loads an MQTT broker the way a city does: devices on their own connections publishing telemetry,
        aggregators publishing batches of many devices' readings; then reports what was achieved.

          --city DIR          a generated city folder (devices.json, gateways.json, users.json)
          --devices N         devices on their own connections: the first N of devices.json (default 1000, up to 1000000)
          --aggregators M     aggregators of gateways.json publishing batches (default 1; 0 for none)
          --batch N           readings a batch, 1..500 (default 500)
          --aggregator-devices N
                              devices each aggregator forwards for, in turn: the first N its regions hold
                              (default 0: all of them, leaving out those on their own connections)
          --rate R|max        telemetry messages a second over all own connections (default 1000)
          --batch-rate R|max  batches a second over all aggregators (default 2)
          --duration T        the measured window (default 60s; 90, 90s, 2m, 500ms)
          --warmup T          publishing before the window, not counted in its figures (default 10s)
          --qos 0|1           (default 1: every publish is acknowledged, and the acknowledgement timed;
                              at 0, "acknowledged" means written to the socket)
          --host H --port P   the broker (default 127.0.0.1:1883)
          --connect-rate R    new connections a second while connecting (default 500)
          --mode engine|mosquitto
                              engine (default): credentials from the city, the engine's /metrics and hub are read;
                              mosquitto: the same publishes to a plain broker, and a subscriber on city/# counts them
          --http URL          the engine's HTTP address (default http://127.0.0.1:5080)
          --user U --password P
                              the hub's sign-in (default operator / Operator#2026)
          --region CODE       the street whose dashboard frames are timed (default: the street with most loaded devices)
          --json FILE         also write every figure as JSON
          --watch-pid PID     the broker's process: its CPU and memory over the window are reported
          --max-inflight N    publishes awaiting acknowledgement at most; the schedule falls behind beyond (default 50000)
        """;

    public static LoadOptions Default { get; } = new(
        City: "",
        Devices: 1000,
        Aggregators: 1,
        Batch: MaxBatch,
        Rate: 1000,
        BatchRate: 2,
        Duration: TimeSpan.FromSeconds(60),
        Warmup: TimeSpan.FromSeconds(10),
        Qos: 1,
        Host: "127.0.0.1",
        Port: 1883,
        ConnectRate: 500,
        Mode: LoadMode.Engine,
        Http: new Uri("http://127.0.0.1:5080"),
        User: "operator",
        Password: "Operator#2026",
        Region: null,
        Json: null,
        WatchPid: null,
        MaxInFlight: 50_000);

    /// <summary>Parses <c>--name value</c> or <c>--name=value</c> pairs.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing or malformed value, a value out of range, or no <c>--city</c>.</exception>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = Default;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = Split(args, ref i);
            options = name switch
            {
                "--city" => options with { City = NonEmpty(name, value) },
                "--devices" => options with { Devices = Integer(name, value, 0, MaxDevices) },
                "--aggregators" => options with { Aggregators = Integer(name, value, 0, 10_000) },
                "--batch" => options with { Batch = Integer(name, value, 1, MaxBatch) },
                "--rate" => options with { Rate = RateOrMax(name, value) },
                "--batch-rate" => options with { BatchRate = RateOrMax(name, value) },
                "--duration" => options with { Duration = DurationValue(name, value, allowZero: false) },
                "--warmup" => options with { Warmup = DurationValue(name, value, allowZero: true) },
                "--qos" => options with { Qos = Integer(name, value, 0, 1) },
                "--host" => options with { Host = NonEmpty(name, value) },
                "--port" => options with { Port = Integer(name, value, 1, 65535) },
                "--connect-rate" => options with { ConnectRate = Positive(name, value) },
                "--mode" => options with { Mode = ModeValue(value) },
                "--http" => options with { Http = Url(name, value) },
                "--user" => options with { User = NonEmpty(name, value) },
                "--password" => options with { Password = NonEmpty(name, value) },
                "--region" => options with { Region = RegionCode(name, value) },
                "--json" => options with { Json = NonEmpty(name, value) },
                "--watch-pid" => options with { WatchPid = Integer(name, value, 1, int.MaxValue) },
                "--max-inflight" => options with { MaxInFlight = Integer(name, value, 1, 10_000_000) },
                "--aggregator-devices" => options with { AggregatorDevices = Integer(name, value, 0, MaxDevices) },
                _ => throw new ArgumentException($"unknown option '{name}'."),
            };
        }

        if (options.City.Length == 0)
        {
            throw new ArgumentException("--city is required: a folder made by the city generator.");
        }

        if (options.Devices == 0 && options.Aggregators == 0)
        {
            throw new ArgumentException("nothing to publish: give --devices or --aggregators above 0.");
        }

        return options;
    }

    /// <summary>Reads <c>90</c> (seconds), <c>90s</c>, <c>2m</c>, <c>500ms</c>.</summary>
    public static TimeSpan ParseDuration(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            throw new FormatException($"'{value}' is not a duration (90, 90s, 2m, 500ms).");
        }

        return TimeSpan.FromSeconds(amount * unit);
    }

    private static (string Name, string Value) Split(IReadOnlyList<string> args, ref int i)
    {
        var arg = args[i];
        if (!arg.StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"unexpected argument '{arg}'; options start with --.");
        }

        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        var name = equals > 0 ? arg[..equals] : arg;
        if (!Known.Contains(name))
        {
            throw new ArgumentException($"unknown option '{name}'.");
        }

        if (equals > 0)
        {
            return (name, arg[(equals + 1)..]);
        }

        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{arg} needs a value.");
        }

        i++;
        return (arg, args[i]);
    }

    private static string NonEmpty(string name, string value) =>
        value.Trim().Length > 0 ? value : throw new ArgumentException($"{name} needs a value.");

    private static int Integer(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            throw new ArgumentException($"{name} must be a whole number, not '{value}'.");
        }

        return number < min || number > max
            ? throw new ArgumentException($"{name} must be between {min} and {max}, not {number}.")
            : number;
    }

    private static double Positive(string name, string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} must be a number above 0, not '{value}'.");

    private static double? RateOrMax(string name, string value) =>
        value.Equals("max", StringComparison.OrdinalIgnoreCase) ? null : Positive(name, value);

    private static TimeSpan DurationValue(string name, string value, bool allowZero)
    {
        TimeSpan span;
        try
        {
            span = ParseDuration(value);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"{name}: {e.Message}", e);
        }

        return span > TimeSpan.Zero || (allowZero && span == TimeSpan.Zero)
            ? span
            : throw new ArgumentException($"{name} must be {(allowZero ? "0 or more" : "above 0")}, not '{value}'.");
    }

    private static LoadMode ModeValue(string value) => value.ToUpperInvariant() switch
    {
        "ENGINE" => LoadMode.Engine,
        "MOSQUITTO" => LoadMode.Mosquitto,
        _ => throw new ArgumentException($"--mode is engine or mosquitto, not '{value}'."),
    };

    private static Uri Url(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"{name} must be an http(s) address, not '{value}'.");

    private static string RegionCode(string name, string value) =>
        value.Length is 4 or 6 or 9 or 12 && value.All(char.IsAsciiDigit)
            ? value
            : throw new ArgumentException($"{name} must be a region code (4, 6, 9 or 12 digits), not '{value}'.");
}
