namespace CityOps.DashboardHost.Events;

/// <summary>
/// Evidence in the data folder (<c>evidence/ab/abcdef…</c>, with <c>.type</c>, <c>.thumb</c> and, in 国密 mode, <c>.sm3</c>
/// beside it), for the embedded engine; sealed or plain as <see cref="EvidenceAtRest"/> decides.
/// </summary>
public sealed class FileEvidenceStore(string root, EvidenceAtRest atRest) : IEvidenceStore
{
    public FileEvidenceStore(string root)
        : this(root, EvidenceAtRest.Plain)
    {
    }

    public async Task<EvidenceFile> SaveAsync(Stream content, string contentType, CancellationToken cancellationToken)
    {
        var (buffer, sha256, size, sm3) = await Evidence.BufferAsync(content, atRest.IsGm, cancellationToken);
        await using (buffer)
        {
            var path = PathOf(sha256);
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var partial = path + ".partial";
                if (atRest.IsGm)
                {
                    var plain = new byte[size];
                    await buffer.ReadExactlyAsync(plain, cancellationToken);
                    await File.WriteAllBytesAsync(partial, atRest.Protect(plain, sha256), cancellationToken);
                }
                else
                {
                    await using var file = File.Create(partial);
                    await buffer.CopyToAsync(file, cancellationToken);
                }

                await File.WriteAllTextAsync(path + ".type", contentType, cancellationToken);
                File.Move(partial, path, overwrite: true);
            }

            if (sm3 is not null && !File.Exists(path + ".sm3"))
            {
                await File.WriteAllTextAsync(path + ".sm3", sm3, cancellationToken);
            }

            return new EvidenceFile(sha256, size, contentType) { Sm3 = sm3 };
        }
    }

    public Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken) =>
        Task.FromResult(Evidence.IsSha256(sha256) && File.Exists(PathOf(sha256)));

    public async Task SaveVariantAsync(string sha256, EvidenceVariant variant, byte[] jpeg, CancellationToken cancellationToken)
    {
        var path = PathOf(sha256) + Evidence.Suffix(variant);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path + ".partial", atRest.Protect(jpeg, sha256 + Evidence.Suffix(variant)), cancellationToken);
        File.Move(path + ".partial", path, overwrite: true);
    }

    public async Task<(Stream Content, string ContentType)?> OpenVariantAsync(string sha256, EvidenceVariant variant, CancellationToken cancellationToken)
    {
        if (variant == EvidenceVariant.Original)
        {
            return await OpenAsync(sha256, cancellationToken);
        }

        var path = PathOf(sha256) + Evidence.Suffix(variant);
        return Evidence.IsSha256(sha256) && File.Exists(path)
            ? (await atRest.OpenAsync(File.OpenRead(path), sha256 + Evidence.Suffix(variant), cancellationToken), "image/jpeg")
            : null;
    }

    public async Task<(Stream Content, string ContentType)?> OpenAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(sha256, cancellationToken))
        {
            return null;
        }

        var type = File.Exists(PathOf(sha256) + ".type") ? await File.ReadAllTextAsync(PathOf(sha256) + ".type", cancellationToken) : "application/octet-stream";
        return (await atRest.OpenAsync(File.OpenRead(PathOf(sha256)), sha256, cancellationToken), type);
    }

    public async Task<string?> Sm3Async(string sha256, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(sha256, cancellationToken))
        {
            return null;
        }

        if (File.Exists(PathOf(sha256) + ".sm3"))
        {
            return (await File.ReadAllTextAsync(PathOf(sha256) + ".sm3", cancellationToken)).Trim();
        }

        await using var content = (await OpenAsync(sha256, cancellationToken))!.Value.Content;
        return await Evidence.Sm3Of(content, cancellationToken);
    }

    private string PathOf(string sha256) => Path.Combine(root, sha256[..2], sha256);
}
