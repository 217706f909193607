using Microsoft.Extensions.Configuration;

namespace CityOps.Hosting;

/// <summary>
/// Where the city's files are (<c>City:Path</c>: devices.json, regions.geojson, catalogue.json and the rest),
/// found the same way by every program of the engine.
/// </summary>
public static class CityFolder
{
    public const string Setting = "City:Path";

    public const string Default = "samples/city";

    /// <summary>
    /// A relative city path is looked for from the working directory upwards, so a program finds the
    /// sample city whether it is started from the repository root or from its project folder.
    /// </summary>
    public static string Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var path = configuration[Setting] is { Length: > 0 } configured ? configured : Default;
        if (Path.IsPathRooted(path))
        {
            return Require(path);
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, path);
            if (File.Exists(Path.Combine(candidate, "devices.json")))
            {
                return candidate;
            }
        }

        return Require(Path.GetFullPath(path));
    }

    private static string Require(string path) =>
        File.Exists(Path.Combine(path, "devices.json"))
            ? path
            : throw new InvalidOperationException($"No city at '{path}': {Setting} must name a folder with devices.json, regions.geojson and the other city files.");
}
