using Microsoft.Extensions.Configuration;

namespace CityOps.Crypto;

/// <summary>
/// Where 国密 mode's keys come from: configuration when given (the same on every node of a cluster), else the data
/// folder (<see cref="KeyFiles"/>), generated once per installation.
/// </summary>
public static class CryptoKeys
{
    /// <summary>Base64 of the 16-byte SM4 key that seals evidence at rest; else <c>{DataPath}/sm4-evidence.key</c>.</summary>
    public const string EvidenceKeySetting = "Crypto:EvidenceKey";

    /// <summary>Hex of the SM2 private key that signs audit checkpoints; else <c>{DataPath}/sm2-checkpoint.key</c>.</summary>
    public const string CheckpointKeySetting = "Crypto:CheckpointKey";

    /// <summary>
    /// In the cluster profile each node has its own data folder, so a key of its own per node would make evidence sealed by
    /// one host unreadable at another and checkpoints signed by keys nobody published: 国密 mode there needs both keys configured.
    /// </summary>
    /// <exception cref="InvalidOperationException">国密 mode in a cluster without the shared keys.</exception>
    public static void RequireSharedInCluster(IConfiguration configuration, CryptoSettings crypto, bool cluster)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(crypto);
        if (!cluster || crypto.Mode != CryptoMode.Gm)
        {
            return;
        }

        var missing = new[] { EvidenceKeySetting, CheckpointKeySetting }.Where(k => string.IsNullOrWhiteSpace(configuration[k])).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Crypto:Mode=gm in the cluster profile needs {string.Join(" and ", missing)}, the same on every node (docs/security.md, 国密).");
        }
    }
}
