using System.Globalization;

namespace CityOps.Samples.LoadGen;

/// <summary>Loads an MQTT broker as a city does and reports what it achieved (<see cref="LoadOptions.Usage"/>).</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args.Any(arg => arg is "--help" or "-h"))
        {
            Console.WriteLine(LoadOptions.Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] == "compare")
        {
            return await CompareAsync(args[1..]);
        }

        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(LoadOptions.Usage);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        LoadReport report;
        try
        {
            report = await new LoadRun(options, Console.Out).RunAsync(stop.Token);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("stopped before the run was over");
            return 130;
        }

        Console.WriteLine();
        Console.Write(ReportWriter.Text(report));
        if (options.Json is { } json)
        {
            await File.WriteAllTextAsync(json, ReportWriter.ToJson(report));
            Console.WriteLine($"figures written to {json}");
        }

        return 0;
    }

    /// <summary><c>compare --engine FILE --mosquitto FILE [--registration-seconds S] [--rss-mb MB]</c>: the side-by-side table.</summary>
    private static async Task<int> CompareAsync(string[] args)
    {
        string? enginePath = null, mosquittoPath = null;
        double? registration = null, rss = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--engine": enginePath = args[i + 1]; break;
                case "--mosquitto": mosquittoPath = args[i + 1]; break;
                case "--registration-seconds": registration = Number(args[i + 1]); break;
                case "--rss-mb": rss = Number(args[i + 1]); break;
                default:
                    Console.Error.WriteLine($"error: unknown option '{args[i]}'.");
                    return 2;
            }
        }

        if (enginePath is null || mosquittoPath is null)
        {
            Console.Error.WriteLine("error: compare needs --engine FILE and --mosquitto FILE.");
            return 2;
        }

        var engine = ReportWriter.FromJson(await File.ReadAllTextAsync(enginePath));
        var mosquitto = ReportWriter.FromJson(await File.ReadAllTextAsync(mosquittoPath));
        Console.Write(Comparison.Markdown(Comparison.Rows(engine, mosquitto, registration, rss)));
        return 0;
    }

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
