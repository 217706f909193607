using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace CityOps.Silo.Storage;

public static class CityGrainStorage
{
    /// <summary>
    /// Adds the grain storage <paramref name="name"/> on SQLite or PostgreSQL, storing in <see cref="GrainStateFormat"/>:
    /// the one place both profiles, and the tests of each database, configure grain state storage. PostgreSQL is
    /// Orleans' ADO.NET provider as it is; SQLite is <see cref="SqliteGrainStorage"/>, which reads and writes Orleans' rows
    /// with Orleans' statements through a <see cref="SqliteStateReader"/> and a <see cref="SqliteStateWriter"/> of its
    /// own. Orleans' provider stays registered beside it under <see cref="ReaderOf"/>, on the same rows.
    /// </summary>
    public static ISiloBuilder AddCityGrainStorage(this ISiloBuilder silo, string name, string invariant, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.TryAddSingleton<GrainStateFormat>();
        if (!AdoNetInvariants.IsSqlite(invariant))
        {
            return silo.AddOrleansAdoNetStorage(name, invariant, connectionString);
        }

        silo.AddOrleansAdoNetStorage(ReaderOf(name), invariant, connectionString);
        silo.Services.AddGrainStorage(name, (services, _) =>
        {
            var serviceId = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
            return new SqliteGrainStorage(
                new SqliteStateReader(connectionString, serviceId),
                new SqliteStateWriter(connectionString, serviceId, services.GetRequiredService<ILogger<SqliteStateWriter>>()),
                services.GetRequiredService<GrainStateFormat>(),
                name,
                serviceId);
        });
        return silo;
    }

    /// <summary>The name of Orleans' own provider on the rows of the SQLite storage <paramref name="name"/>.</summary>
    public static string ReaderOf(string name) => name + ".reader";

    private static ISiloBuilder AddOrleansAdoNetStorage(this ISiloBuilder silo, string name, string invariant, string connectionString) =>
        silo.AddAdoNetGrainStorage(name, (OptionsBuilder<AdoNetGrainStorageOptions> options) => options.Configure<GrainStateFormat>((o, format) =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = format;
        }));
}
