using System.Globalization;

namespace CityOps.Samples.CityGenerator;

/// <summary>The generator's command line.</summary>
public sealed record GeneratorOptions(int Seed, int Devices, int Cells, string OutputDirectory)
{
    public const int DefaultSeed = 20261122;
    public const int DefaultCells = 10_000;
    public const string DefaultOutputDirectory = "samples/city";

    public const int MinCells = 500;
    public const int MaxCells = 100_000;
    public const int MaxDevices = 5_000_000;

    private static readonly string[] Known = ["--seed", "--devices", "--cells", "--out"];

    public static GeneratorOptions Default { get; } = new(DefaultSeed, DevicePlacement.DefaultTotal, DefaultCells, DefaultOutputDirectory);

    public static string Usage { get; } =
        $"""
        usage: dotnet run --project samples/CityGenerator -- [--seed N] [--devices N] [--cells N] [--out DIR]
          --seed N     generator seed; the same seed always gives the same city (default {DefaultSeed})
          --devices N  number of field devices, 0..{MaxDevices} (default {DevicePlacement.DefaultTotal})
          --cells N    at least this many unit grid cells, {MinCells}..{MaxCells} (default {DefaultCells})
          --out DIR    output folder (default {DefaultOutputDirectory}); write large load-test cities elsewhere
        """;

    /// <summary>Parses <c>--name value</c> or <c>--name=value</c> pairs.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing or malformed value, or a value out of range.</exception>
    public static GeneratorOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = Default;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = Split(args, ref i);
            options = name switch
            {
                "--seed" => options with { Seed = Integer(name, value, int.MinValue, int.MaxValue) },
                "--devices" => options with { Devices = Integer(name, value, 0, MaxDevices) },
                "--cells" => options with { Cells = Integer(name, value, MinCells, MaxCells) },
                "--out" when value.Trim().Length > 0 => options with { OutputDirectory = value },
                _ => throw new ArgumentException("--out needs a folder name."),
            };
        }

        return options;
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

    private static int Integer(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            throw new ArgumentException($"{name} must be a whole number, not '{value}'.");
        }

        if (number < min || number > max)
        {
            throw new ArgumentException($"{name} must be between {min} and {max}, not {number}.");
        }

        return number;
    }
}
