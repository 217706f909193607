using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;

namespace CityOps.Silo.Tests.Security;

/// <summary>What a client may send, and the header every answer carries (docs/security.md, Input).</summary>
[Collection(EngineTests.Name)]
public class InputLimitTests(EngineFixture fixture)
{
    private static readonly double[] Place = [114.27, 27.64];

    private Engine Engine => fixture.Engine;

    [Theory]
    [InlineData("/health")]
    [InlineData("/console")]
    [InlineData("/api/events")]
    [InlineData("/open311/v2/services.json")]
    [InlineData("/no/such/page")]
    public async Task Every_answer_tells_browsers_not_to_sniff_its_type(string path)
    {
        using var http = Engine.Http();

        var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }

    [Fact]
    public async Task A_json_body_over_the_limit_is_413_naming_the_limit()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        var body = JsonSerializer.Serialize(new { category = "street_light_damaged", location = Place, description = new string('x', 70_000) });

        var response = await http.PostAsync(new Uri("/api/events", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("limit").GetInt64().Should().Be(65536);
        problem.GetProperty("title").GetString().Should().Contain("65536 bytes");
    }

    [Fact]
    public async Task A_reason_over_1000_characters_is_400_naming_the_field_and_the_limit()
    {
        var cases = new CaseClient(Engine);
        var id = await cases.ReportAsync();
        using var http = await cases.AsAsync(CaseClient.Operator);

        var response = await http.PostAsJsonAsync($"/api/events/{id}/actions", new { action = "reject", reason = new string('理', 1001) });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("field").GetString().Should().Be("reason");
        problem.GetProperty("limit").GetInt32().Should().Be(1000);
    }

    [Fact]
    public async Task A_description_over_2000_characters_is_400_naming_the_field_and_the_limit()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.PostAsJsonAsync("/api/events", new { category = "street_light_damaged", location = Place, description = new string('x', 2001) });

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("field").GetString().Should().Be("description");
        problem.GetProperty("limit").GetInt32().Should().Be(2000);
    }

    [Fact]
    public async Task A_page_uploaded_as_a_png_is_refused_by_its_bytes()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("<html><script>alert(document.cookie)</script></html>"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "scene.png");

        var response = await http.PostAsync(new Uri("/api/evidence", UriKind.Relative), form);

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_photo_is_stored_as_the_type_its_bytes_are_whatever_the_client_said()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        using var form = new MultipartFormDataContent();
        var png = Engine.Photo(Guid.NewGuid().ToByteArray(), format: SkiaSharp.SKEncodedImageFormat.Png);
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "scene");

        var response = await http.PostAsync(new Uri("/api/evidence", UriKind.Relative), form);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contentType").GetString().Should().Be("image/png");
    }
}
