using Microsoft.Data.Sqlite;

namespace CityOps.Silo.Storage;

/// <summary>
/// What <see cref="SqliteStateReader"/> and <see cref="SqliteStateWriter"/> share: Orleans' statements as the
/// <c>OrleansQuery</c> table holds them, and the parameters that name a state's row (<see cref="StoredStateKey"/>).
/// </summary>
internal static class SqliteStatements
{
    private static readonly string[] KeyParameters =
        ["@GrainIdHash", "@GrainIdN0", "@GrainIdN1", "@GrainTypeHash", "@GrainTypeString", "@GrainIdExtensionString", "@ServiceId"];

    public static string QueryText(SqliteConnection connection, string key)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key";
        command.Parameters.AddWithValue("@key", key);
        return command.ExecuteScalar() as string
            ?? throw new InvalidOperationException($"The database has no '{key}' query; apply db/sqlite first.");
    }

    public static void AddKeyParameters(SqliteCommand command)
    {
        foreach (var name in KeyParameters)
        {
            command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        }
    }

    public static void BindKey(SqliteCommand command, StoredStateKey key, string serviceId)
    {
        var p = command.Parameters;
        p["@GrainIdHash"].Value = key.GrainIdHash;
        p["@GrainIdN0"].Value = key.GrainIdN0;
        p["@GrainIdN1"].Value = key.GrainIdN1;
        p["@GrainTypeHash"].Value = key.GrainTypeHash;
        p["@GrainTypeString"].Value = key.GrainTypeString;
        p["@GrainIdExtensionString"].Value = (object?)key.GrainIdExtensionString ?? DBNull.Value;
        p["@ServiceId"].Value = serviceId;
    }
}
