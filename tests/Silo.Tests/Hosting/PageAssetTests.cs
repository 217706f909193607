using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>The pages' built scripts travel compressed and are cached by the browser for good.</summary>
[Collection(EngineTests.Name)]
public partial class PageAssetTests(EngineFixture fixture)
{
    [GeneratedRegex("/assets/bigscreen-[^\"]+\\.js")]
    private static partial Regex BigScreenScript();

    private async Task<string> BigScreenScriptPathAsync()
    {
        using var http = new HttpClient { BaseAddress = fixture.Engine.BaseAddress };
        return BigScreenScript().Match(await http.GetStringAsync(new Uri("/", UriKind.Relative))).Value;
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? acceptEncoding)
    {
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = fixture.Engine.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return await http.SendAsync(request);
    }

    [Theory]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("gzip", "gzip")]
    public async Task A_script_is_sent_compressed_as_the_browser_accepts_and_unpacks_to_the_file_as_built(string accepted, string encoding)
    {
        var path = await BigScreenScriptPathAsync();
        var plain = await (await GetAsync(path, null)).Content.ReadAsByteArrayAsync();

        using var response = await GetAsync(path, accepted);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentEncoding.Should().Equal(encoding);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        response.Headers.Vary.Should().Contain("Accept-Encoding");
        var packed = await response.Content.ReadAsByteArrayAsync();
        packed.Length.Should().BeLessThan(plain.Length / 3);
        await using Stream unpacker = encoding == "br"
            ? new BrotliStream(new MemoryStream(packed), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(packed), CompressionMode.Decompress);
        using var unpacked = new MemoryStream();
        await unpacker.CopyToAsync(unpacked);
        unpacked.ToArray().Should().Equal(plain);
    }

    [Fact]
    public async Task A_client_that_takes_no_compression_gets_the_file_as_built_cached_for_good()
    {
        var path = await BigScreenScriptPathAsync();

        using var response = await GetAsync(path, "identity");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentEncoding.Should().BeEmpty();
        response.Headers.CacheControl!.ToString().Should().Contain("immutable").And.Contain("max-age=31536000");
    }

    [Fact]
    public async Task A_missing_asset_is_not_served_and_not_cached()
    {
        using var response = await GetAsync("/assets/no-such-file.js", "br");

        response.IsSuccessStatusCode.Should().BeFalse();
        response.Headers.CacheControl.Should().BeNull();
    }
}
