namespace CityOps.Silo.Storage;

/// <summary>
/// The ADO.NET invariant names that Orleans' ADO.NET providers (clustering, grain storage,
/// reminders) accept in their <c>Invariant</c> option, and the ones this project has scripts for.
/// </summary>
public static class AdoNetInvariants
{
    /// <summary>
    /// SQLite, as Orleans 10 names it. Orleans maps this name to the Microsoft.Data.Sqlite driver
    /// (<c>Microsoft.Data.Sqlite.SqliteFactory</c>); the name <see cref="SqliteDriver"/> itself is not
    /// accepted by the providers, so always hand them this one (or use <see cref="ToOrleansInvariant"/>).
    /// </summary>
    public const string Sqlite = "System.Data.SQLite";

    /// <summary>The name of the driver behind <see cref="Sqlite"/>; accepted here as an alias.</summary>
    public const string SqliteDriver = "Microsoft.Data.Sqlite";

    /// <summary>PostgreSQL through Npgsql.</summary>
    public const string PostgreSql = CityOps.Hosting.ClusterMembership.PostgreSqlInvariant;

    /// <summary>Whether <paramref name="invariant"/> names SQLite (either spelling).</summary>
    public static bool IsSqlite(string? invariant) =>
        string.Equals(invariant, Sqlite, StringComparison.OrdinalIgnoreCase)
        || string.Equals(invariant, SqliteDriver, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="invariant"/> names PostgreSQL.</summary>
    public static bool IsPostgreSql(string? invariant) =>
        string.Equals(invariant, PostgreSql, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The exact, case-sensitive name Orleans' providers expect for a configured invariant:
    /// <c>Microsoft.Data.Sqlite</c> becomes <see cref="Sqlite"/>; other names are returned unchanged.
    /// </summary>
    public static string ToOrleansInvariant(string invariant)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(invariant);
        if (IsSqlite(invariant))
        {
            return Sqlite;
        }

        return IsPostgreSql(invariant) ? PostgreSql : invariant;
    }
}
