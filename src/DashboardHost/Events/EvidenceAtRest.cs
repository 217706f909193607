using CityOps.Crypto;

namespace CityOps.DashboardHost.Events;

/// <summary>
/// How evidence bytes are kept by either store: in 国密 mode (<c>Crypto:Mode=gm</c>) sealed with SM4-GCM
/// (<see cref="Sm4Gcm"/>: a format header, so files stored plain earlier still read) under the installation's evidence
/// key, with the file's name (its SHA-256 and the copy's suffix) as associated data; otherwise as uploaded. A sealed file
/// reads in either mode, so the key is loaded whenever one is met. The SHA-256 that names a file is always that of the
/// plain bytes, so links, case references and audit entries stay the same whichever way it is kept.
/// </summary>
public sealed class EvidenceAtRest(CryptoSettings crypto, Func<byte[]> loadKey)
{
    private readonly Lazy<Sm4Gcm> _sm4 = new(() => new Sm4Gcm(loadKey()));

    /// <summary>For an engine that never seals nor meets a sealed file (tests, tools).</summary>
    public static EvidenceAtRest Plain { get; } = new(CryptoSettings.International, () => throw new InvalidOperationException("No evidence key in this engine."));

    /// <summary>Whether new files are sealed and get an SM3 digest (国密 mode).</summary>
    public bool IsGm => crypto.Mode == CryptoMode.Gm;

    /// <summary>The bytes to store for a file named <paramref name="name"/>.</summary>
    public byte[] Protect(byte[] plain, string name) => IsGm ? _sm4.Value.Seal(plain, name) : plain;

    /// <summary>The plain bytes of what was stored under <paramref name="name"/>, sealed or not.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A sealed file that does not open (altered, or another key).</exception>
    public byte[] Unprotect(byte[] stored, string name) => Sm4Gcm.IsSealed(stored) ? _sm4.Value.Open(stored, name) : stored;

    /// <summary>A stored file for reading: streamed as it is when plain, opened in memory (≤ 10 MB) when sealed.</summary>
    public async Task<Stream> OpenAsync(Stream stored, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var head = new byte[Sm4Gcm.HeaderBytes];
        var read = await stored.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (!Sm4Gcm.IsSealed(head.AsSpan(0, read)))
        {
            if (stored.CanSeek)
            {
                stored.Position = 0;
                return stored;
            }

            var rest = new MemoryStream();
            await rest.WriteAsync(head.AsMemory(0, read), cancellationToken);
            await stored.CopyToAsync(rest, cancellationToken);
            await stored.DisposeAsync();
            rest.Position = 0;
            return rest;
        }

        using var whole = new MemoryStream();
        await whole.WriteAsync(head, cancellationToken);
        await stored.CopyToAsync(whole, cancellationToken);
        await stored.DisposeAsync();
        return new MemoryStream(_sm4.Value.Open(whole.GetBuffer().AsSpan(0, (int)whole.Length), name), writable: false);
    }
}
