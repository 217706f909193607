using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CityOps.Silo.Storage;

public static class CityGrainStorage
{
    /// <summary>
    /// Adds an ADO.NET grain storage (SQLite or PostgreSQL) that stores in <see cref="GrainStateFormat"/>: the one place
    /// both profiles, and the tests of each database, configure grain state storage.
    /// </summary>
    public static ISiloBuilder AddCityGrainStorage(this ISiloBuilder silo, string name, string invariant, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.TryAddSingleton<GrainStateFormat>();
        return silo.AddAdoNetGrainStorage(name, (OptionsBuilder<AdoNetGrainStorageOptions> options) => options.Configure<GrainStateFormat>((o, format) =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = format;
        }));
    }
}
