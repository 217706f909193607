using System.Security.Cryptography;

namespace CityOps.Crypto;

/// <summary>
/// Keys of one installation kept in its data folder, as the token signing key is (src/DashboardHost/Auth/SigningKeyStore.cs):
/// generated once, readable by the engine's user only; nodes of a cluster share them through the same folder or configuration.
/// </summary>
public static class KeyFiles
{
    /// <summary>The file's text, written first by <paramref name="generate"/> when there is none.</summary>
    public static string ReadOrCreate(string path, Func<string> generate)
    {
        ArgumentNullException.ThrowIfNull(generate);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var partial = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + ".partial";
            File.WriteAllText(partial, generate());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            // Two processes starting on one folder at once: the first key in place wins and both read it.
            try
            {
                File.Move(partial, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(partial);
            }
        }

        return File.ReadAllText(path).Trim();
    }

    /// <summary>
    /// The SM4 key of evidence at rest: <c>Crypto:EvidenceKey</c> (base64 of 16 bytes) when configured, else
    /// <c>{dataPath}/sm4-evidence.key</c>, generated once.
    /// </summary>
    public static byte[] EvidenceKey(string? configured, string dataPath)
    {
        var text = !string.IsNullOrWhiteSpace(configured)
            ? configured
            : ReadOrCreate(Path.Combine(dataPath, "sm4-evidence.key"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(Sm4Gcm.KeyBytes)));
        var key = Convert.FromBase64String(text);
        return key.Length == Sm4Gcm.KeyBytes
            ? key
            : throw new InvalidOperationException($"The evidence key must be base64 of {Sm4Gcm.KeyBytes} bytes (Crypto:EvidenceKey or sm4-evidence.key).");
    }
}
