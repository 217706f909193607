using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Hosting;

namespace CityOps.Hosting;

/// <summary>The deployment profile (docs/architecture.md, Processes).</summary>
public enum Profile
{
    /// <summary>One process, localhost clustering, SQLite under ./data, embedded broker.</summary>
    Embedded,

    /// <summary>PostgreSQL membership, state and reminders; several silos, gateways and dashboard hosts.</summary>
    Cluster,
}

/// <summary>
/// Which cluster a program belongs to and how it finds the others, read from configuration the same
/// way by silos, gateways and dashboard hosts: <c>Profile</c>, <c>ConnectionStrings:Orleans</c>,
/// <c>Orleans:ClusterId</c>, <c>Orleans:ServiceId</c> and, for a client of an embedded engine,
/// <c>Orleans:GatewayPort</c>.
/// </summary>
public sealed record ClusterMembership(Profile Profile, string? ConnectionString, string ClusterId, string ServiceId, int GatewayPort)
{
    /// <summary>The ADO.NET invariant Orleans knows PostgreSQL (Npgsql) by.</summary>
    public const string PostgreSqlInvariant = "Npgsql";

    public static ClusterMembership From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var profile = configuration["Profile"] switch
        {
            null or "" or "embedded" => Profile.Embedded,
            "cluster" => Profile.Cluster,
            var other => throw new InvalidOperationException($"Profile '{other}' is unknown; use 'embedded' or 'cluster'."),
        };
        var connectionString = configuration.GetConnectionString("Orleans");
        if (profile == Profile.Cluster && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("The cluster profile needs ConnectionStrings:Orleans (PostgreSQL).");
        }

        return new ClusterMembership(
            profile,
            string.IsNullOrWhiteSpace(connectionString) ? null : connectionString,
            configuration["Orleans:ClusterId"] is { Length: > 0 } cluster ? cluster : "cityops",
            configuration["Orleans:ServiceId"] is { Length: > 0 } service ? service : "cityops",
            configuration.GetValue("Orleans:GatewayPort", 30000));
    }
}

/// <summary>How a program that is not a silo (a gateway, a dashboard host) joins the cluster as an Orleans client.</summary>
public static class ClusterClient
{
    /// <summary>How long a client waits between attempts to reach the cluster when it starts before any silo is up.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Cluster profile: the silos' gateways from the membership table in PostgreSQL, so the client
    /// follows silos as they come and go. Embedded: the one engine on this machine at <c>Orleans:GatewayPort</c>.
    /// A client that starts before the cluster keeps trying until its start is cancelled.
    /// </summary>
    public static IClientBuilder UseCityCluster(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        var membership = ClusterMembership.From(configuration);
        if (membership.Profile == Profile.Cluster)
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = membership.ClusterId;
                o.ServiceId = membership.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = configuration["Storage:Invariant"] is { Length: > 0 } invariant ? invariant : ClusterMembership.PostgreSqlInvariant;
                o.ConnectionString = membership.ConnectionString;
            });
        }
        else
        {
            client.UseLocalhostClustering(membership.GatewayPort, membership.ServiceId, membership.ClusterId);
        }

        client.UseCityClusterTls(configuration);
        client.UseConnectionRetryFilter(async (_, cancellationToken) =>
        {
            await Task.Delay(RetryDelay, cancellationToken);
            return !cancellationToken.IsCancellationRequested;
        });
        return client;
    }
}
