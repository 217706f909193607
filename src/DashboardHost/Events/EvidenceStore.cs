using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CityOps.DashboardHost.Events;

/// <summary>A stored evidence file: its SHA-256 (its name), size and type.</summary>
public sealed record EvidenceFile(string Sha256, long Size, string ContentType);

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

    /// <summary>Copies the upload to a temporary file while hashing it, so a large file never sits in memory.</summary>
    public static async Task<(FileStream Buffer, string Sha256, long Size)> BufferAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
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
            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        buffer.Position = 0;
        return (buffer, Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }
}

/// <summary>Evidence in the data folder (<c>evidence/ab/abcdef…</c>), for the embedded engine.</summary>
public sealed class FileEvidenceStore(string root) : IEvidenceStore
{
    public async Task<EvidenceFile> SaveAsync(Stream content, string contentType, CancellationToken cancellationToken)
    {
        var (buffer, sha256, size) = await Evidence.BufferAsync(content, cancellationToken);
        await using (buffer)
        {
            var path = PathOf(sha256);
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var partial = path + ".partial";
                await using (var file = File.Create(partial))
                {
                    await buffer.CopyToAsync(file, cancellationToken);
                }

                await File.WriteAllTextAsync(path + ".type", contentType, cancellationToken);
                File.Move(partial, path, overwrite: true);
            }

            return new EvidenceFile(sha256, size, contentType);
        }
    }

    public Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken) =>
        Task.FromResult(Evidence.IsSha256(sha256) && File.Exists(PathOf(sha256)));

    public async Task SaveVariantAsync(string sha256, EvidenceVariant variant, byte[] jpeg, CancellationToken cancellationToken)
    {
        var path = PathOf(sha256) + Evidence.Suffix(variant);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path + ".partial", jpeg, cancellationToken);
        File.Move(path + ".partial", path, overwrite: true);
    }

    public Task<(Stream Content, string ContentType)?> OpenVariantAsync(string sha256, EvidenceVariant variant, CancellationToken cancellationToken)
    {
        if (variant == EvidenceVariant.Original)
        {
            return OpenAsync(sha256, cancellationToken);
        }

        var path = PathOf(sha256) + Evidence.Suffix(variant);
        return Task.FromResult<(Stream, string)?>(Evidence.IsSha256(sha256) && File.Exists(path) ? (File.OpenRead(path), "image/jpeg") : null);
    }

    public async Task<(Stream Content, string ContentType)?> OpenAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(sha256, cancellationToken))
        {
            return null;
        }

        var type = File.Exists(PathOf(sha256) + ".type") ? await File.ReadAllTextAsync(PathOf(sha256) + ".type", cancellationToken) : "application/octet-stream";
        return (File.OpenRead(PathOf(sha256)), type);
    }

    private string PathOf(string sha256) => Path.Combine(root, sha256[..2], sha256);
}

/// <summary>Evidence in Azure Blob Storage (or Azurite), for a cluster whose web hosts share no disk.</summary>
public sealed class BlobEvidenceStore(BlobContainerClient container) : IEvidenceStore
{
    private bool _created;

    public async Task<EvidenceFile> SaveAsync(Stream content, string contentType, CancellationToken cancellationToken)
    {
        var (buffer, sha256, size) = await Evidence.BufferAsync(content, cancellationToken);
        await using (buffer)
        {
            await EnsureContainerAsync(cancellationToken);
            var blob = container.GetBlobClient(sha256);
            if (!(await blob.ExistsAsync(cancellationToken)).Value)
            {
                await blob.UploadAsync(buffer, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
            }

            return new EvidenceFile(sha256, size, contentType);
        }
    }

    public async Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!Evidence.IsSha256(sha256))
        {
            return false;
        }

        await EnsureContainerAsync(cancellationToken);
        return (await container.GetBlobClient(sha256).ExistsAsync(cancellationToken)).Value;
    }

    public async Task SaveVariantAsync(string sha256, EvidenceVariant variant, byte[] jpeg, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        await container.GetBlobClient(sha256 + Evidence.Suffix(variant)).UploadAsync(
            new BinaryData(jpeg), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/jpeg" } }, cancellationToken);
    }

    public async Task<(Stream Content, string ContentType)?> OpenVariantAsync(string sha256, EvidenceVariant variant, CancellationToken cancellationToken)
    {
        if (variant == EvidenceVariant.Original)
        {
            return await OpenAsync(sha256, cancellationToken);
        }

        if (!Evidence.IsSha256(sha256))
        {
            return null;
        }

        await EnsureContainerAsync(cancellationToken);
        var blob = container.GetBlobClient(sha256 + Evidence.Suffix(variant));
        if (!(await blob.ExistsAsync(cancellationToken)).Value)
        {
            return null;
        }

        var download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
        return (download.Value.Content, download.Value.Details.ContentType ?? "image/jpeg");
    }

    public async Task<(Stream Content, string ContentType)?> OpenAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(sha256, cancellationToken))
        {
            return null;
        }

        var download = await container.GetBlobClient(sha256).DownloadStreamingAsync(cancellationToken: cancellationToken);
        return (download.Value.Content, download.Value.Details.ContentType ?? "application/octet-stream");
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }
    }
}
