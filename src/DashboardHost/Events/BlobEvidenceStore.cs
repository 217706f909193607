using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CityOps.DashboardHost.Events;

/// <summary>
/// Evidence in Azure Blob Storage (or Azurite), for a cluster whose web hosts share no disk: blobs <c>{sha256}</c> and
/// <c>{sha256}.thumb</c>, sealed or plain as <see cref="EvidenceAtRest"/> decides; in 国密 mode the SM3 digest is the
/// blob's metadata <c>sm3</c>.
/// </summary>
public sealed class BlobEvidenceStore(BlobContainerClient container, EvidenceAtRest atRest) : IEvidenceStore
{
    private const string Sm3Metadata = "sm3";

    private bool _created;

    public BlobEvidenceStore(BlobContainerClient container)
        : this(container, EvidenceAtRest.Plain)
    {
    }

    public async Task<EvidenceFile> SaveAsync(Stream content, string contentType, CancellationToken cancellationToken)
    {
        var (buffer, sha256, size, sm3) = await Evidence.BufferAsync(content, atRest.IsGm, cancellationToken);
        await using (buffer)
        {
            await EnsureContainerAsync(cancellationToken);
            var blob = container.GetBlobClient(sha256);
            if (!(await blob.ExistsAsync(cancellationToken)).Value)
            {
                var options = new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                    Metadata = sm3 is null ? null : new Dictionary<string, string> { [Sm3Metadata] = sm3 },
                };
                if (atRest.IsGm)
                {
                    var plain = new byte[size];
                    await buffer.ReadExactlyAsync(plain, cancellationToken);
                    await blob.UploadAsync(new BinaryData(atRest.Protect(plain, sha256)), options, cancellationToken);
                }
                else
                {
                    await blob.UploadAsync(buffer, options, cancellationToken);
                }
            }

            return new EvidenceFile(sha256, size, contentType) { Sm3 = sm3 };
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
        var name = sha256 + Evidence.Suffix(variant);
        await container.GetBlobClient(name).UploadAsync(
            new BinaryData(atRest.Protect(jpeg, name)), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/jpeg" } }, cancellationToken);
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
        var name = sha256 + Evidence.Suffix(variant);
        var blob = container.GetBlobClient(name);
        if (!(await blob.ExistsAsync(cancellationToken)).Value)
        {
            return null;
        }

        var download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
        return (await atRest.OpenAsync(download.Value.Content, name, cancellationToken), download.Value.Details.ContentType ?? "image/jpeg");
    }

    public async Task<(Stream Content, string ContentType)?> OpenAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(sha256, cancellationToken))
        {
            return null;
        }

        var download = await container.GetBlobClient(sha256).DownloadStreamingAsync(cancellationToken: cancellationToken);
        return (await atRest.OpenAsync(download.Value.Content, sha256, cancellationToken), download.Value.Details.ContentType ?? "application/octet-stream");
    }

    public async Task<string?> Sm3Async(string sha256, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(sha256, cancellationToken))
        {
            return null;
        }

        var properties = await container.GetBlobClient(sha256).GetPropertiesAsync(cancellationToken: cancellationToken);
        if (properties.Value.Metadata.TryGetValue(Sm3Metadata, out var recorded))
        {
            return recorded;
        }

        await using var content = (await OpenAsync(sha256, cancellationToken))!.Value.Content;
        return await Evidence.Sm3Of(content, cancellationToken);
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
