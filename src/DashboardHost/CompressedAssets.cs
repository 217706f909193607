using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace CityOps.DashboardHost;

/// <summary>
/// The pages' built scripts and styles (<c>/assets/</c>, named by a hash of their content, so they never
/// change under a name) sent compressed and cached for a year: the big screen's script is about 1.6 MB as
/// built. Each file is compressed once, at its first request, and kept in memory (a few MB in all); a
/// client that takes neither Brotli nor gzip gets the file as built.
/// </summary>
public sealed class CompressedAssets(IFileProvider files)
{
    public const string Prefix = "/assets/";

    private const string Immutable = "public, max-age=31536000, immutable";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private static readonly HashSet<string> Compressible = new(StringComparer.OrdinalIgnoreCase) { ".js", ".css", ".svg", ".json", ".html", ".map" };

    private readonly ConcurrentDictionary<(string Path, string Encoding), Lazy<byte[]>> _compressed = new();

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var path = http.Request.Path.Value;
        if (path is null || !path.StartsWith(Prefix, StringComparison.Ordinal) || !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
        {
            await next(http);
            return;
        }

        http.Response.OnStarting(() =>
        {
            if (http.Response.StatusCode == StatusCodes.Status200OK)
            {
                http.Response.Headers.CacheControl = Immutable;
            }

            return Task.CompletedTask;
        });
        var file = files.GetFileInfo(path.TrimStart('/'));
        if (!file.Exists || file.IsDirectory || !Compressible.Contains(Path.GetExtension(path)) || Chosen(http.Request) is not { } encoding)
        {
            await next(http);
            return;
        }

        var body = _compressed.GetOrAdd((path, encoding), key => new Lazy<byte[]>(() => Compress(file, key.Encoding))).Value;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = ContentTypes.TryGetContentType(path, out var type) ? type : "application/octet-stream";
        http.Response.Headers.ContentEncoding = encoding;
        http.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        http.Response.ContentLength = body.Length;
        if (HttpMethods.IsGet(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(body, http.RequestAborted);
        }
    }

    /// <summary>Brotli when the client takes it, else gzip, else null (the file as built); a coding refused with q=0 is not chosen.</summary>
    public static string? Chosen(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var accepted = request.GetTypedHeaders().AcceptEncoding
            .Where(e => e.Quality is not 0)
            .Select(e => e.Value.Value)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return accepted.Contains("br") ? "br" : accepted.Contains("gzip") ? "gzip" : null;
    }

    private static byte[] Compress(IFileInfo file, string encoding)
    {
        using var output = new MemoryStream();
        using (var input = file.CreateReadStream())
        using (Stream compressor = encoding == "br"
            ? new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true)
            : new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            input.CopyTo(compressor);
        }

        return output.ToArray();
    }
}
