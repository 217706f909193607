using System.Data.Common;
using CityOps.Silo.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CityOps.Silo.Storage;

/// <summary>Healthy when the grain-state database answers and holds the provider's registered queries.</summary>
public sealed class StorageHealthCheck(EngineSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using DbConnection connection = AdoNetInvariants.IsSqlite(settings.StorageInvariant)
                ? new SqliteConnection(settings.StorageConnectionString)
                : new NpgsqlConnection(settings.StorageConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM OrleansQuery";
            var queries = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            return queries > 0
                ? HealthCheckResult.Healthy($"{settings.Profile} storage ready")
                : HealthCheckResult.Unhealthy("storage schema missing");
        }
        catch (DbException ex)
        {
            return HealthCheckResult.Unhealthy("storage unreachable", ex);
        }
    }
}
