using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;
using SkiaSharp;

namespace CityOps.Silo.Tests.Mobile;

/// <summary>
/// Evidence photos through the HTTP API into a store: kept by SHA-256 with a small copy, read through short-lived links,
/// and refused (wrong type, too large, truncated) with a clear error and nothing stored. Run against both stores behind
/// <c>IEvidenceStore</c>: Azure Blob Storage on a real Azurite, and the data folder.
/// </summary>
public abstract class EvidenceStorageTests
{
    protected abstract Engine Engine { get; }

    /// <summary>How many files (photos and their copies) the store holds.</summary>
    protected abstract Task<int> StoredAsync();

    protected abstract Task<bool> HoldsAsync(string name);

    private async Task<HttpResponseMessage> UploadAsync(byte[] bytes, string contentType = "image/jpeg", string? caseId = null)
    {
        using var http = Engine.Http(await Engine.TokenAsync("responder.water.1", "Respond#2026"));
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new(contentType);
        form.Add(file, "file", "photo.jpg");
        return await http.PostAsync(new Uri(caseId is null ? "/api/evidence" : $"/api/events/{caseId}/evidence", UriKind.Relative), form);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg, "image/jpeg")]
    [InlineData(SKEncodedImageFormat.Png, "image/png")]
    [InlineData(SKEncodedImageFormat.Webp, "image/webp")]
    public async Task A_photo_is_kept_under_its_sha256_with_a_small_copy_for_lists(SKEncodedImageFormat format, string type)
    {
        var photo = Engine.Photo(Encoding.UTF8.GetBytes($"{format} {Guid.NewGuid()}"), 1200, 900, format);

        var response = await UploadAsync(photo, "application/octet-stream");

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var stored = await response.Content.ReadFromJsonAsync<JsonElement>();
        var sha = Convert.ToHexStringLower(SHA256.HashData(photo));
        stored.GetProperty("sha256").GetString().Should().Be(sha);
        stored.GetProperty("contentType").GetString().Should().Be(type, "the type is decided by the bytes");
        (await HoldsAsync(sha)).Should().BeTrue();
        (await HoldsAsync(sha + ".thumb")).Should().BeTrue();
    }

    [Fact]
    public async Task A_file_that_is_no_photo_is_refused_as_415_and_nothing_is_stored()
    {
        var before = await StoredAsync();

        var response = await UploadAsync("%PDF-1.7\n a document, not a photo"u8.ToArray());

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain("JPEG, PNG or WebP");
        (await StoredAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_file_over_10_MB_is_refused_as_413_and_nothing_is_stored()
    {
        var before = await StoredAsync();
        var photo = Engine.Photo();
        var oversized = new byte[(10 * 1024 * 1024) + 1];
        photo.CopyTo(oversized, 0);

        var response = await UploadAsync(oversized);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain("10 MB");
        (await StoredAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_truncated_photo_is_refused_as_422_and_nothing_is_stored()
    {
        var before = await StoredAsync();
        var photo = Engine.Photo(null, 800, 600);

        var response = await UploadAsync(photo[..(photo.Length / 2)]);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain("truncated");
        (await StoredAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_cases_photo_is_read_through_a_short_lived_link_and_named_by_its_sha256_in_the_audit_trail()
    {
        var cases = new CaseClient(Engine);
        var id = await cases.ReportAsync("water_main_leak");
        await cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
        await cases.MustActAsync(CaseClient.WaterDispatcher, id, new { action = "dispatch", department = "water", assignee = "responder.water.1" });
        await cases.MustActAsync(CaseClient.WaterResponder, id, new { action = "accept" });
        var photo = Engine.Photo(null, 640, 480);
        var sha = (await (await UploadAsync(photo, caseId: id)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sha256").GetString()!;
        await cases.MustActAsync(CaseClient.WaterResponder, id, new { action = "handle", reason = "已修复", attachments = new[] { sha } });
        using var dispatcher = await cases.AsAsync(CaseClient.WaterDispatcher);

        var links = await dispatcher.GetFromJsonAsync<JsonElement>(new Uri($"/api/events/{id}/photos", UriKind.Relative));
        var audit = await dispatcher.GetFromJsonAsync<JsonElement>(new Uri($"/api/events/{id}/audit", UriKind.Relative));

        var link = links.EnumerateArray().Single();
        link.GetProperty("sha256").GetString().Should().Be(sha);
        link.GetProperty("expiresAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow.AddMinutes(5), TimeSpan.FromMinutes(1));
        using var anonymous = Engine.Http();
        (await anonymous.GetByteArrayAsync(new Uri(link.GetProperty("url").GetString()!, UriKind.Relative))).Should().Equal(photo);
        var thumbnail = await anonymous.GetAsync(new Uri(link.GetProperty("thumbnailUrl").GetString()!, UriKind.Relative));
        thumbnail.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        using (var small = SKBitmap.Decode(await thumbnail.Content.ReadAsByteArrayAsync()))
        {
            Math.Max(small.Width, small.Height).Should().Be(320);
        }

        var forged = link.GetProperty("url").GetString()!.Replace("v=full", "v=thumb", StringComparison.Ordinal);
        (await anonymous.GetAsync(new Uri(forged, UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var handled = audit.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("action").GetString() == "handle");
        handled.GetProperty("attachmentSha256s").EnumerateArray().Select(a => a.GetString()).Should().Equal(Convert.ToHexStringLower(SHA256.HashData(photo)));
        audit.GetProperty("verification").GetProperty("isValid").GetBoolean().Should().BeTrue();
    }
}

/// <summary>The cluster profile's store: Azure Blob Storage, here a real Azurite started by scripts/services.sh.</summary>
public sealed class BlobEvidenceStorageTests(BlobEngineFixture fixture) : EvidenceStorageTests, IClassFixture<BlobEngineFixture>
{
    protected override Engine Engine => fixture.Engine;

    protected override async Task<int> StoredAsync()
    {
        var count = 0;
        await foreach (var _ in fixture.Container.GetBlobsAsync())
        {
            count++;
        }

        return count;
    }

    protected override async Task<bool> HoldsAsync(string name) => (await fixture.Container.GetBlobClient(name).ExistsAsync()).Value;
}

/// <summary>The embedded profile's store: files in the data folder.</summary>
[Collection(EngineTests.Name)]
public sealed class DiskEvidenceStorageTests(EngineFixture fixture) : EvidenceStorageTests
{
    protected override Engine Engine => fixture.Engine;

    private string Root => Path.Combine(fixture.Engine.DataPath, "evidence");

    protected override Task<int> StoredAsync() =>
        Task.FromResult(Directory.Exists(Root) ? Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Count() : 0);

    protected override Task<bool> HoldsAsync(string name) => Task.FromResult(File.Exists(Path.Combine(Root, name[..2], name)));
}

/// <summary>An engine of its own whose evidence goes to a fresh container of the Azurite the test script started.</summary>
public sealed class BlobEngineFixture() : AzuriteEngineFixture("evidence-");
