using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace CityOps.DashboardHost.Open311;

/// <summary>
/// The systems allowed to create service requests: <c>Open311:ApiKeys</c> maps a client name (e.g.
/// <c>hotline12345</c>) to its key. Read at each request, so a key added or revoked in the
/// configuration takes effect without a restart where the configuration reloads.
/// </summary>
public static class Open311Clients
{
    public const string Section = "Open311:ApiKeys";

    /// <summary>
    /// The client whose key this is, or null. Every configured key is compared by its SHA-256 in
    /// constant time, so timing reveals neither a key nor its length.
    /// </summary>
    public static string? Find(IConfiguration configuration, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrEmpty(apiKey))
        {
            return null;
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
        string? found = null;
        foreach (var client in configuration.GetSection(Section).GetChildren())
        {
            // An empty key in the configuration disables its client rather than admitting anyone.
            if (client.Value is { Length: > 0 } key && CryptographicOperations.FixedTimeEquals(given, SHA256.HashData(Encoding.UTF8.GetBytes(key))))
            {
                found ??= client.Key;
            }
        }

        return found;
    }
}
