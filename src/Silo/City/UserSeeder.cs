using System.Text.Json;
using CityOps.DashboardHost.Auth;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Users;
using CityOps.Silo.Hosting;

namespace CityOps.Silo.City;

/// <summary>
/// At the first start, makes the city's <c>users.json</c> into user accounts (passwords hashed; from then
/// on users live in grains and are changed through <c>/api/admin/users</c>). Then refuses to start an engine
/// that would listen beyond loopback while an enabled user still holds the password the file gave: the
/// sample city's demo passwords are public, and so is any file's.
/// </summary>
public sealed partial class UserSeeder(
    EngineSettings settings, IConfiguration configuration, IGrainFactory grains, TimeProvider clock, ILogger<UserSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var directory = grains.GetGrain<IUserDirectoryGrain>(IUserDirectoryGrain.Key);
        if (!await directory.IsSeeded())
        {
            await SeedAsync(directory, cancellationToken);
        }

        if (HttpEndpoints.NonLoopback(configuration) is { Count: > 0 } exposed)
        {
            var names = await directory.List();
            var views = await Task.WhenAll(names.Select(n => grains.GetGrain<IUserAccountGrain>(n).Get()));
            var initial = views.OfType<UserAccountView>().Where(v => v.InitialPassword && !v.Disabled).Select(v => v.Profile.Username).ToList();
            if (initial.Count > 0)
            {
                throw new InvalidOperationException(RefusalMessage(exposed, initial));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static string RefusalMessage(IReadOnlyList<string> exposed, IReadOnlyList<string> users) =>
        $"Refusing to listen on {string.Join(", ", exposed)} (beyond this machine) while {users.Count} user(s) still have the password " +
        $"from users.json, a demo or default password: {string.Join(", ", users.Take(10))}{(users.Count > 10 ? ", …" : string.Empty)}. " +
        "Start the engine on loopback (--Http:Urls=http://localhost:5080), sign in as an administrator and reset those passwords " +
        "(console page /console/users, or POST /api/admin/users/{username}/password) or disable the users; then start it on the network address.";

    private async Task SeedAsync(IUserDirectoryGrain directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(settings.CityPath, "users.json");
        var records = JsonSerializer.Deserialize<UserRecord[]>(await File.ReadAllBytesAsync(path, cancellationToken), CityJson.Options)
            ?? throw new InvalidDataException($"{path} holds no users.");
        foreach (var record in records)
        {
            if (record.Roles.Where(role => !Roles.All.Contains(role)).ToList() is { Count: > 0 } unknown)
            {
                throw new InvalidDataException($"User '{record.Username}' in {path} has unknown roles: {string.Join(", ", unknown)}.");
            }
        }

        if (records.GroupBy(r => r.Username, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidDataException($"User '{twice.Key}' appears twice in {path}.");
        }

        var now = clock.GetUtcNow();
        await Parallel.ForEachAsync(records, cancellationToken, async (r, _) =>
        {
            var profile = new UserProfile(r.Username, r.DisplayName, [.. r.Roles], [.. r.Regions], r.Department);
            await directory.Create(profile, PasswordHasher.Hash(r.Password), initialPassword: true, now);
        });
        await directory.MarkSeeded();
        LogSeeded(records.Length, path);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {Count} user accounts from {Path}; from now on users are managed through /api/admin/users")]
    private partial void LogSeeded(int count, string path);
}
