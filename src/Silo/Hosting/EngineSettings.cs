using CityOps.Silo.Storage;
using Microsoft.Extensions.Configuration;

namespace CityOps.Silo.Hosting;

/// <summary>The deployment profile (docs/architecture.md, Processes).</summary>
public enum Profile
{
    /// <summary>One process, localhost clustering, SQLite under ./data, embedded broker.</summary>
    Embedded,

    /// <summary>PostgreSQL membership, state and reminders; several silos.</summary>
    Cluster,
}

/// <summary>
/// The settings the host needs before it can build anything, read once from configuration with
/// relative paths made absolute, so every part of the engine sees the same folders.
/// </summary>
/// <param name="PrintDemoSignIns">Whether the start-up banner shows the users' passwords: right for the sample city only.</param>
public sealed record EngineSettings(
    Profile Profile,
    string DataPath,
    string CityPath,
    string StorageInvariant,
    string StorageConnectionString,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    bool PrintDemoSignIns)
{
    public static EngineSettings From(IConfiguration configuration)
    {
        var profile = configuration["Profile"] switch
        {
            null or "" or "embedded" => Profile.Embedded,
            "cluster" => Profile.Cluster,
            var other => throw new InvalidOperationException($"Profile '{other}' is unknown; use 'embedded' or 'cluster'."),
        };
        var dataPath = Path.GetFullPath(configuration["Storage:DataPath"] is { Length: > 0 } d ? d : "data");
        var cityPath = ResolveCityPath(configuration["City:Path"] is { Length: > 0 } c ? c : "samples/city");
        var connectionString = configuration.GetConnectionString("Orleans");
        var invariant = configuration["Storage:Invariant"];
        if (profile == Profile.Cluster)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("The cluster profile needs ConnectionStrings:Orleans (PostgreSQL).");
            }

            invariant = string.IsNullOrWhiteSpace(invariant) ? AdoNetInvariants.PostgreSql : invariant;
        }
        else
        {
            invariant = AdoNetInvariants.Sqlite;
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                connectionString = $"Data Source={Path.Combine(dataPath, "cityops.db")}";
            }
        }

        return new EngineSettings(
            profile,
            dataPath,
            cityPath,
            AdoNetInvariants.ToOrleansInvariant(invariant),
            connectionString!,
            configuration["Orleans:ClusterId"] is { Length: > 0 } cluster ? cluster : "cityops",
            configuration["Orleans:ServiceId"] is { Length: > 0 } service ? service : "cityops",
            configuration.GetValue("Orleans:SiloPort", 11111),
            configuration.GetValue("Orleans:GatewayPort", 30000),
            configuration.GetValue("City:PrintDemoSignIns", true));
    }

    /// <summary>
    /// A relative city path is looked for from the working directory upwards, so the engine finds
    /// the sample city whether it is started from the repository root or from src/Silo.
    /// </summary>
    private static string ResolveCityPath(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return RequireCity(path);
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, path);
            if (File.Exists(Path.Combine(candidate, "devices.json")))
            {
                return candidate;
            }
        }

        return RequireCity(Path.GetFullPath(path));
    }

    private static string RequireCity(string path) =>
        File.Exists(Path.Combine(path, "devices.json"))
            ? path
            : throw new InvalidOperationException($"No city at '{path}': City:Path must name a folder with devices.json, regions.geojson and the other city files.");
}
