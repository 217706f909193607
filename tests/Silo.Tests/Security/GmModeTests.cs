using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CityOps.Crypto;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;
using Verifier = CityOps.Tools.AuditVerifier.Program;

namespace CityOps.Silo.Tests.Security;

/// <summary>
/// An engine in 国密 mode (<c>Crypto:Mode=gm</c>) whose data folder holds a photo stored plain before the mode was on:
/// evidence sealed with SM4-GCM and read back, its SM3 digest in the audit, SM3 audit chains, and the day's SM2 checkpoint
/// checked by tools/AuditVerifier with the public key alone.
/// </summary>
public sealed class GmEngineFixture : IAsyncLifetime
{
    public static readonly byte[] EarlierPhoto = Engine.Photo("stored before 国密 mode"u8.ToArray());

    public static string EarlierSha256 => Convert.ToHexStringLower(SHA256.HashData(EarlierPhoto));

    public Engine Engine { get; private set; } = null!;

    public async Task InitializeAsync() => Engine = await Engine.StartAsync(
        new Dictionary<string, string?> { [CryptoSettings.ModeSetting] = "gm" },
        prepareData: data =>
        {
            // As the data folder's store wrote evidence before: the plain bytes under their SHA-256, the type beside them.
            var path = Path.Combine(data, "evidence", EarlierSha256[..2], EarlierSha256);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, EarlierPhoto);
            File.WriteAllText(path + ".type", "image/jpeg");
        });

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}

public sealed class GmModeTests(GmEngineFixture fixture) : IClassFixture<GmEngineFixture>
{
    private Engine Engine => fixture.Engine;

    private CaseClient Cases => new(Engine);

    private string EvidencePath(string sha256) => Path.Combine(Engine.DataPath, "evidence", sha256[..2], sha256);

    private async Task<JsonElement> UploadAsync(byte[] photo)
    {
        using var http = await Cases.AsAsync(CaseClient.WaterResponder);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "file", "photo.jpg" } };
        var response = await http.PostAsync(new Uri("/api/evidence", UriKind.Relative), form);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<string> ReportWithPhotosAsync(params string[] photos)
    {
        using var http = await Cases.AsAsync(CaseClient.Operator);
        var response = await http.PostAsJsonAsync("/api/events", new { category = "street_light_damaged", location = CaseClient.NewPlace(), description = "路灯损坏", photos });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<byte[]> DownloadAsync(string sha256, string caseId)
    {
        using var http = await Cases.AsAsync(CaseClient.Operator);
        var response = await http.GetAsync(new Uri($"/api/evidence/{sha256}?case={caseId}", UriKind.Relative));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<string> AuditJsonAsync(string caseId)
    {
        using var http = await Cases.AsAsync(CaseClient.Operator);
        return await http.GetStringAsync(new Uri($"/api/events/{caseId}/audit", UriKind.Relative));
    }

    [Fact]
    public async Task A_photo_is_sealed_with_sm4_gcm_on_disk_and_reads_back_as_uploaded_with_its_sm3_in_the_audit()
    {
        var photo = Engine.Photo(Guid.NewGuid().ToByteArray());
        var stored = await UploadAsync(photo);
        var sha = stored.GetProperty("sha256").GetString()!;
        var sm3 = ChainDigests.HashHex(ChainDigests.Sm3, photo);

        stored.GetProperty("sm3").GetString().Should().Be(sm3);
        var onDisk = await File.ReadAllBytesAsync(EvidencePath(sha));
        Sm4Gcm.IsSealed(onDisk).Should().BeTrue();
        onDisk.AsSpan().IndexOf(photo.AsSpan(0, 64)).Should().Be(-1, "the photo's bytes are not on disk in the clear");
        Sm4Gcm.IsSealed(await File.ReadAllBytesAsync(EvidencePath(sha) + ".thumb")).Should().BeTrue();

        var caseId = await ReportWithPhotosAsync(sha);
        (await DownloadAsync(sha, caseId)).Should().Equal(photo);
        var audit = JsonDocument.Parse(await AuditJsonAsync(caseId)).RootElement;
        var report = audit.GetProperty("entries")[0];
        report.GetProperty("hashAlgorithm").GetString().Should().Be(ChainDigests.Sm3);
        report.GetProperty("attachmentSm3s")[0].GetString().Should().Be(sm3);
        audit.GetProperty("verification").GetProperty("isValid").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_photo_stored_plain_before_gm_mode_still_reads_and_is_attached_with_its_sm3()
    {
        var caseId = await ReportWithPhotosAsync(GmEngineFixture.EarlierSha256);

        (await DownloadAsync(GmEngineFixture.EarlierSha256, caseId)).Should().Equal(GmEngineFixture.EarlierPhoto);
        var report = JsonDocument.Parse(await AuditJsonAsync(caseId)).RootElement.GetProperty("entries")[0];
        report.GetProperty("attachmentSm3s")[0].GetString().Should().Be(ChainDigests.HashHex(ChainDigests.Sm3, GmEngineFixture.EarlierPhoto));
    }

    [Fact]
    public async Task The_day_s_checkpoint_is_signed_and_the_verifier_accepts_it_and_the_chains_it_names_and_refuses_it_tampered()
    {
        var caseId = await Cases.ReportAsync();
        await Cases.MustActAsync(CaseClient.Operator, caseId, new { action = "register" });
        using var admin = await Cases.AsAsync(("admin", "Admin#2026"));
        JsonElement checkpoint = default;
        await CaseClient.EventuallyAsync(async () =>
        {
            var made = await admin.PostAsync(new Uri("/api/audit/checkpoints", UriKind.Relative), null);
            made.StatusCode.Should().Be(HttpStatusCode.Created, await made.Content.ReadAsStringAsync());
            checkpoint = await made.Content.ReadFromJsonAsync<JsonElement>();
            return checkpoint.GetProperty("text").GetString()!.Contains($"chain case/{caseId} 2 ", StringComparison.Ordinal);
        });
        var day = checkpoint.GetProperty("day").GetString()!;
        var month = day[..7];
        var folder = Directory.CreateTempSubdirectory("cityops-checkpoint-").FullName;
        try
        {
            var saved = Path.Combine(folder, day + ".json");
            await File.WriteAllTextAsync(saved, await admin.GetStringAsync(new Uri($"/api/audit/checkpoints/{day}", UriKind.Relative)));
            await File.WriteAllTextAsync(Path.Combine(folder, "case.json"), await AuditJsonAsync(caseId));
            await File.WriteAllTextAsync(Path.Combine(folder, "admin.json"), await admin.GetStringAsync(new Uri($"/api/admin/audit?month={month}", UriKind.Relative)));
            var publicKey = Path.Combine(Engine.DataPath, "sm2-checkpoint.pub");
            (await admin.GetFromJsonAsync<JsonElement>("/api/audit/public-key")).GetProperty("publicKey").GetString()
                .Should().Be((await File.ReadAllTextAsync(publicKey)).Trim());

            var (good, output) = Verify("--checkpoint", saved, "--public-key", publicKey,
                "--chain", $"case/{caseId}={Path.Combine(folder, "case.json")}", "--chain", $"admin/{month}={Path.Combine(folder, "admin.json")}");
            good.Should().Be(Verifier.Good, output);

            var tampered = (await File.ReadAllTextAsync(saved)).Replace($"case/{caseId} 2 ", $"case/{caseId} 1 ", StringComparison.Ordinal);
            await File.WriteAllTextAsync(saved, tampered);
            Verify("--checkpoint", saved, "--public-key", publicKey).Code.Should().Be(Verifier.Refused);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public async Task A_day_that_has_not_begun_gets_no_checkpoint()
    {
        using var admin = await Cases.AsAsync(("admin", "Admin#2026"));

        var response = await admin.PostAsync(new Uri("/api/audit/checkpoints?day=2999-01-01", UriKind.Relative), null);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    private static (int Code, string Output) Verify(params string[] args)
    {
        using var output = new StringWriter();
        return (Verifier.Run(args, output), output.ToString());
    }
}

/// <summary>The default international mode signs no checkpoints and says how to turn them on.</summary>
[Collection(EngineTests.Name)]
public sealed class InternationalModeCheckpointTests(EngineFixture fixture)
{
    [Fact]
    public async Task Checkpoint_routes_answer_409_naming_the_setting()
    {
        using var admin = fixture.Engine.Http(await fixture.Engine.TokenAsync("admin", "Admin#2026"));

        var response = await admin.PostAsync(new Uri("/api/audit/checkpoints", UriKind.Relative), null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain("Crypto:Mode=gm");
    }
}
