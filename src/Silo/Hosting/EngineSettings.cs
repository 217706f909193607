using CityOps.Hosting;
using CityOps.Silo.Storage;
using Microsoft.Extensions.Configuration;

namespace CityOps.Silo.Hosting;

/// <summary>
/// The settings the host needs before it can build anything, read once from configuration with
/// relative paths made absolute, so every part of the engine sees the same folders.
/// </summary>
/// <param name="PrintDemoSignIns">Whether the start-up banner shows the users' passwords: right for the sample city only.</param>
/// <param name="RunsGateway">Whether this silo also runs the device gateway (<c>Mqtt:Enabled</c>, default true); a cluster may leave it to gateways of their own.</param>
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
    bool PrintDemoSignIns,
    bool RunsGateway)
{
    public static EngineSettings From(IConfiguration configuration)
    {
        var membership = ClusterMembership.From(configuration);
        var profile = membership.Profile;
        var dataPath = Path.GetFullPath(configuration["Storage:DataPath"] is { Length: > 0 } d ? d : "data");
        var cityPath = CityFolder.Resolve(configuration);
        var connectionString = membership.ConnectionString;
        var invariant = configuration["Storage:Invariant"];
        if (profile == Profile.Cluster)
        {
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
            membership.ClusterId,
            membership.ServiceId,
            configuration.GetValue("Orleans:SiloPort", 11111),
            membership.GatewayPort,
            configuration.GetValue("City:PrintDemoSignIns", true),
            configuration.GetValue("Mqtt:Enabled", true));
    }
}
