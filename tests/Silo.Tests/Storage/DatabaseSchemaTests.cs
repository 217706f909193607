using CityOps.Silo.Storage;

namespace CityOps.Silo.Tests.Storage;

public sealed class DatabaseSchemaTests : IDisposable
{
    private readonly string scripts = Path.Combine(Path.GetTempPath(), "cityops-schema-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_failing_script_is_reported_with_its_file_name()
    {
        Directory.CreateDirectory(Path.Combine(scripts, "sqlite"));
        await File.WriteAllTextAsync(Path.Combine(scripts, "sqlite", "01-ok.sql"), "CREATE TABLE IF NOT EXISTS Fine (Id INTEGER);");
        await File.WriteAllTextAsync(Path.Combine(scripts, "sqlite", "02-broken.sql"), "CREATE TABLE (;");
        var connectionString = $"Data Source={Path.Combine(scripts, "db", "broken.db")};Pooling=False";

        var apply = () => DatabaseSchema.ApplyAsync(AdoNetInvariants.SqliteDriver, connectionString, scripts, CancellationToken.None);

        (await apply.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("02-broken.sql");
    }

    [Fact]
    public async Task An_invariant_without_scripts_is_refused()
    {
        var apply = () => DatabaseSchema.ApplyAsync("Microsoft.Data.SqlClient", "Server=nowhere", DatabaseSchema.ScriptsDirectory, CancellationToken.None);

        (await apply.Should().ThrowAsync<NotSupportedException>()).Which.Message.Should().Contain("Microsoft.Data.SqlClient");
    }

    [Fact]
    public async Task A_missing_scripts_folder_is_reported_with_its_path()
    {
        var apply = () => DatabaseSchema.ApplyAsync(AdoNetInvariants.Sqlite, "Data Source=unused.db", scripts, CancellationToken.None);

        (await apply.Should().ThrowAsync<DirectoryNotFoundException>()).Which.Message.Should().Contain(Path.Combine(scripts, "sqlite"));
    }

    [Fact]
    public void The_scripts_are_copied_next_to_the_application()
    {
        Directory.GetFiles(Path.Combine(DatabaseSchema.ScriptsDirectory, "sqlite"), "*.sql").Should().NotBeEmpty();
        Directory.GetFiles(Path.Combine(DatabaseSchema.ScriptsDirectory, "postgresql"), "*.sql").Should().NotBeEmpty();
    }

    [Theory]
    [InlineData("Microsoft.Data.Sqlite", "System.Data.SQLite")]
    [InlineData("System.Data.SQLite", "System.Data.SQLite")]
    [InlineData("npgsql", "Npgsql")]
    public void Configured_invariants_are_translated_to_the_names_Orleans_accepts(string configured, string expected)
    {
        AdoNetInvariants.ToOrleansInvariant(configured).Should().Be(expected);
    }

    public void Dispose()
    {
        if (Directory.Exists(scripts))
        {
            Directory.Delete(scripts, recursive: true);
        }
    }
}
