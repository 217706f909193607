using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using Microsoft.Extensions.Configuration;

namespace CityOps.DashboardHost.Auth;

/// <summary>A person who may sign in, with what they may do and where.</summary>
public sealed record CityUser(string Username, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Regions, string? Department);

/// <summary>
/// The users of <c>users.json</c>. Passwords are hashed as the file is loaded, so clear
/// passwords never stay in memory past start-up.
/// </summary>
public sealed class UserDirectory
{
    private readonly Dictionary<string, (CityUser User, string PasswordHash)> _users;

    public UserDirectory(IEnumerable<UserRecord> records)
    {
        _users = new(StringComparer.Ordinal);
        foreach (var r in records)
        {
            var unknownRoles = r.Roles.Where(role => !Auth.Roles.All.Contains(role)).ToList();
            if (unknownRoles.Count > 0)
            {
                throw new InvalidDataException($"User '{r.Username}' has unknown roles: {string.Join(", ", unknownRoles)}.");
            }

            var user = new CityUser(r.Username, r.DisplayName, r.Roles, r.Regions, r.Department);
            if (!_users.TryAdd(r.Username, (user, PasswordHasher.Hash(r.Password))))
            {
                throw new InvalidDataException($"User '{r.Username}' appears twice.");
            }
        }
    }

    public static UserDirectory Load(IConfiguration configuration)
    {
        var path = Path.Combine(configuration["City:Path"] ?? throw new InvalidOperationException("City:Path is not configured."), "users.json");
        using var stream = File.OpenRead(path);
        var records = JsonSerializer.Deserialize<UserRecord[]>(stream, CityJson.Options)
            ?? throw new InvalidDataException($"{path} holds no users.");
        return new UserDirectory(records);
    }

    public IEnumerable<CityUser> Users => _users.Values.Select(u => u.User);

    /// <summary>An unknown user costs as much as a wrong password, so timing does not tell which usernames exist.</summary>
    private static readonly string DecoyHash = PasswordHasher.Hash(Guid.NewGuid().ToString());

    public CityUser? Authenticate(string username, string password)
    {
        var known = _users.TryGetValue(username, out var entry);
        var verified = PasswordHasher.Verify(password, known ? entry.PasswordHash : DecoyHash);
        return known && verified ? entry.User : null;
    }
}
