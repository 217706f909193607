using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace CityOps.DashboardHost.Auth;

/// <summary>
/// The key that signs tokens: from configuration when given (so that several dashboard hosts
/// agree), otherwise generated once and kept in the data folder so tokens survive a restart.
/// </summary>
public static class SigningKeyStore
{
    private const int KeyBytes = 32;

    public static SymmetricSecurityKey Resolve(string? configuredKey, string dataPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredKey))
        {
            var bytes = Convert.FromBase64String(configuredKey);
            if (bytes.Length < KeyBytes)
            {
                throw new InvalidOperationException($"Auth:SigningKey must be base64 of at least {KeyBytes} bytes.");
            }

            return new SymmetricSecurityKey(bytes);
        }

        var path = Path.Combine(dataPath, "jwt-signing.key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataPath);
            var fresh = RandomNumberGenerator.GetBytes(KeyBytes);
            File.WriteAllText(path, Convert.ToBase64String(fresh));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }
}
