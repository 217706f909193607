using System.Diagnostics;

namespace CityOps.Samples.CityGenerator;

/// <summary>Generates the deterministic sample city 澜江市 (Lanjiang) into a folder.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Any(arg => arg is "--help" or "-h"))
        {
            Console.WriteLine(GeneratorOptions.Usage);
            return 0;
        }

        GeneratorOptions options;
        try
        {
            options = GeneratorOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(GeneratorOptions.Usage);
            return 2;
        }

        var stopwatch = Stopwatch.StartNew();
        var city = CityWriter.WriteCity(options);
        var regions = city.Layout.Regions;
        Console.WriteLine(
            $"{regions[0].Name} (seed {options.Seed}): "
            + $"{regions.Count(r => r.Level == RegionLevel.District)} districts, "
            + $"{regions.Count(r => r.Level == RegionLevel.Street)} streets, "
            + $"{regions.Count(r => r.Level == RegionLevel.Community)} communities, "
            + $"{city.Layout.Lattice.Count:N0} cells ({city.Layout.Lattice.Columns} x {city.Layout.Lattice.Rows}), "
            + $"{options.Devices:N0} devices, in {stopwatch.Elapsed.TotalSeconds:F1} s");
        foreach (var file in city.Files)
        {
            Console.WriteLine($"  {file.FullName}  {file.Length:N0} bytes");
        }

        return 0;
    }
}
