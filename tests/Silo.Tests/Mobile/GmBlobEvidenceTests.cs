using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using CityOps.Crypto;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;

namespace CityOps.Silo.Tests.Mobile;

/// <summary>An engine in 国密 mode whose evidence goes to a fresh container of the test Azurite.</summary>
public sealed class GmBlobEngineFixture() : AzuriteEngineFixture("evidence-gm-", new Dictionary<string, string?> { [CryptoSettings.ModeSetting] = "gm" });

/// <summary>Evidence blobs in 国密 mode: sealed with SM4-GCM with their SM3 as metadata, read back as uploaded; a plain blob stored earlier still reads.</summary>
public sealed class GmBlobEvidenceTests(GmBlobEngineFixture fixture) : IClassFixture<GmBlobEngineFixture>
{
    private CaseClient Cases => new(fixture.Engine);

    private async Task<string> ReportWithPhotoAsync(string sha256)
    {
        using var http = await Cases.AsAsync(CaseClient.Operator);
        var response = await http.PostAsJsonAsync("/api/events", new { category = "street_light_damaged", location = CaseClient.NewPlace(), photos = new[] { sha256 } });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<byte[]> DownloadAsync(string sha256, string caseId)
    {
        using var http = await Cases.AsAsync(CaseClient.Operator);
        return await http.GetByteArrayAsync(new Uri($"/api/evidence/{sha256}?case={caseId}", UriKind.Relative));
    }

    [Fact]
    public async Task A_photo_blob_and_its_small_copy_are_sealed_and_the_photo_reads_back_as_uploaded()
    {
        var photo = Engine.Photo(Guid.NewGuid().ToByteArray());
        using var http = await Cases.AsAsync(CaseClient.WaterResponder);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "file", "photo.jpg" } };
        var response = await http.PostAsync(new Uri("/api/evidence", UriKind.Relative), form);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var sha = Convert.ToHexStringLower(SHA256.HashData(photo));

        var blob = fixture.Container.GetBlobClient(sha);
        Sm4Gcm.IsSealed((await blob.DownloadContentAsync()).Value.Content.ToArray()).Should().BeTrue();
        Sm4Gcm.IsSealed((await fixture.Container.GetBlobClient(sha + ".thumb").DownloadContentAsync()).Value.Content.ToArray()).Should().BeTrue();
        (await blob.GetPropertiesAsync()).Value.Metadata["sm3"].Should().Be(ChainDigests.HashHex(ChainDigests.Sm3, photo));
        (await DownloadAsync(sha, await ReportWithPhotoAsync(sha))).Should().Equal(photo);
    }

    [Fact]
    public async Task A_plain_blob_stored_before_gm_mode_still_reads()
    {
        var photo = Engine.Photo(Guid.NewGuid().ToByteArray());
        var sha = Convert.ToHexStringLower(SHA256.HashData(photo));
        await fixture.Container.GetBlobClient(sha).UploadAsync(new BinaryData(photo));

        (await DownloadAsync(sha, await ReportWithPhotoAsync(sha))).Should().Equal(photo);
    }
}
