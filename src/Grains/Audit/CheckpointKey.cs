using CityOps.Crypto;
using Microsoft.Extensions.Configuration;

namespace CityOps.Grains.Audit;

/// <summary>
/// The SM2 key that signs audit checkpoints (<see cref="CryptoKeys.CheckpointKeySetting"/>, else the data folder's
/// <c>sm2-checkpoint.key</c>, generated at first use with <c>sm2-checkpoint.pub</c> beside it).
/// </summary>
public sealed class CheckpointKey(IConfiguration configuration)
{
    private readonly Lazy<string> _privateKey = new(() => Sm2Signing.ResolvePrivateKey(
        configuration[CryptoKeys.CheckpointKeySetting],
        configuration["Storage:DataPath"] ?? throw new InvalidOperationException("Storage:DataPath is not configured: the checkpoint key has no folder.")));

    public string PrivateKey => _privateKey.Value;

    public string PublicKey => Sm2Signing.PublicKeyOf(PrivateKey);
}
