using System.Security.Cryptography;
using CityOps.Crypto;

namespace CityOps.DashboardHost.Events;

/// <summary>A stored evidence file: its SHA-256 (its name), size and type; in 国密 mode also its SM3 digest.</summary>
public sealed record EvidenceFile(string Sha256, long Size, string ContentType)
{
    /// <summary>The SM3 digest (lowercase hex) of the file's bytes, recorded in 国密 mode (<c>Crypto:Mode=gm</c>); null otherwise.</summary>
    public string? Sm3 { get; init; }
}

/// <summary>A copy of an evidence photo made by the engine, stored beside it.</summary>
public enum EvidenceVariant
{
    /// <summary>The photo as it was uploaded, whose SHA-256 names it.</summary>
    Original,

    /// <summary>The small JPEG for list views (<see cref="EvidencePhotos.ThumbnailSide"/>).</summary>
    Thumbnail,
}

/// <summary>
/// Photos attached to cases, stored by their SHA-256, so the audit trail's hashes name the very bytes and
/// storing the same photo twice keeps one copy; each with its small copy for list views. Two stores behind
/// this one interface: the data folder (embedded profile) and Azure Blob Storage (cluster profile, Azurite in tests).
/// </summary>
public interface IEvidenceStore
{
    Task<EvidenceFile> SaveAsync(Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>Stores a copy of the evidence file <paramref name="sha256"/> (a JPEG) beside it.</summary>
    Task SaveVariantAsync(string sha256, EvidenceVariant variant, byte[] jpeg, CancellationToken cancellationToken);

    /// <summary>A copy's bytes and type, or null when there is none (for <see cref="EvidenceVariant.Original"/>, the file itself).</summary>
    Task<(Stream Content, string ContentType)?> OpenVariantAsync(string sha256, EvidenceVariant variant, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>The file's bytes and type, or null when no file has this hash.</summary>
    Task<(Stream Content, string ContentType)?> OpenAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>
    /// The SM3 digest of the file's bytes: the one recorded when it was stored in 国密 mode, else computed from its bytes
    /// (a file stored earlier); null when no file has this hash.
    /// </summary>
    Task<string?> Sm3Async(string sha256, CancellationToken cancellationToken);
}

public static class Evidence
{
    /// <summary>Evidence larger than this is refused: a photo from a phone is a few megabytes.</summary>
    public const long MaxBytes = 10 * 1024 * 1024;

    /// <summary>Bytes enough to tell every accepted type by its magic number.</summary>
    public const int SniffBytes = 12;

    /// <summary>
    /// The type the bytes are, by their magic number (JPEG <c>FF D8 FF</c>, PNG <c>89 PNG CR LF SUB LF</c>,
    /// WebP <c>RIFF….WEBP</c>), whatever the client said; null for anything else (a PDF included: evidence is photos).
    /// </summary>
    public static string? Sniff(ReadOnlySpan<byte> head) => head switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => "image/webp",
        _ => null,
    };

    /// <summary>Where a copy is kept beside its file: <c>{sha256}.thumb</c>; the original has no suffix.</summary>
    public static string Suffix(EvidenceVariant variant) => variant == EvidenceVariant.Thumbnail ? ".thumb" : "";

    public static bool IsSha256(string? value) => value is { Length: 64 } && value.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));

    /// <summary>
    /// Copies the upload to a temporary file while hashing it, so a large file never sits in memory; with
    /// <paramref name="sm3"/> (国密 mode) its SM3 digest is computed on the way too.
    /// </summary>
    public static async Task<(FileStream Buffer, string Sha256, long Size, string? Sm3)> BufferAsync(Stream content, bool sm3, CancellationToken cancellationToken)
    {
        var buffer = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sm3Hash = sm3 ? ChainDigests.Create(ChainDigests.Sm3) : null;
        var chunk = new byte[81920];
        long size = 0;
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            size += read;
            if (size > MaxBytes)
            {
                await buffer.DisposeAsync();
                throw new InvalidDataException($"Evidence is limited to {MaxBytes / 1024 / 1024} MB.");
            }

            hash.AppendData(chunk, 0, read);
            sm3Hash?.Append(chunk.AsSpan(0, read));
            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        buffer.Position = 0;
        return (buffer, Convert.ToHexStringLower(hash.GetHashAndReset()), size, sm3Hash is null ? null : Convert.ToHexStringLower(sm3Hash.Finish()));
    }

    /// <summary>The SM3 digest of a stream's bytes.</summary>
    public static async Task<string> Sm3Of(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var digest = ChainDigests.Create(ChainDigests.Sm3);
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            digest.Append(chunk.AsSpan(0, read));
        }

        return Convert.ToHexStringLower(digest.Finish());
    }
}
