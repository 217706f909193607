using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Silo.Tests.Hosting;

/// <summary><c>GET /api/devices?cell=|region=&amp;kind=&amp;online=</c>: the devices of a place, as the grid knows them.</summary>
[Collection(EngineTests.Name)]
public class DeviceListTests(EngineFixture fixture)
{
    private Engine Engine => fixture.Engine;

    private async Task<HttpClient> OperatorAsync() => Engine.Http(await Engine.TokenAsync("operator"));

    [Fact]
    public async Task A_cell_lists_the_sample_devices_placed_in_it()
    {
        var device = Engine.Device(DeviceKind.Manhole, 11);
        var expected = Engine.Devices.Where(d => d.CellCode == device.CellCode).Select(d => d.Id).Order(StringComparer.Ordinal).ToList();
        using var http = await OperatorAsync();

        var list = await http.GetFromJsonAsync<JsonElement>($"/api/devices?cell={device.CellCode}");

        list.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()).Should().Equal(expected);
    }

    [Fact]
    public async Task A_community_lists_its_devices_of_one_kind()
    {
        var device = Engine.Device(DeviceKind.Hydrant, 3);
        var community = device.CellCode[..12];
        var expected = Engine.Devices.Where(d => d.Kind == DeviceKind.Hydrant && d.CellCode.StartsWith(community, StringComparison.Ordinal)).Count();
        using var http = await OperatorAsync();

        var list = await http.GetFromJsonAsync<JsonElement>($"/api/devices?region={community}&kind=hydrant");

        list.GetProperty("total").GetInt32().Should().Be(expected);
        list.GetProperty("devices").EnumerateArray().Should().OnlyContain(d => d.GetProperty("kind").GetString() == "hydrant");
    }

    [Fact]
    public async Task The_online_filter_finds_a_device_that_just_reported()
    {
        var device = Engine.Device(DeviceKind.Noise, 12);
        using (var client = await Engine.ConnectDeviceAsync(device))
        {
            await client.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic($"city/{device.Id}/telemetry")
                .WithPayload("""{"values":{"noiseDb":50}}""").WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        using var http = await OperatorAsync();
        var list = await http.GetFromJsonAsync<JsonElement>($"/api/devices?cell={device.CellCode}&online=true");

        list.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()).Should().Contain(device.Id);
    }

    [Theory]
    [InlineData("/api/devices", HttpStatusCode.BadRequest)]
    [InlineData("/api/devices?cell=9999999999999999", HttpStatusCode.NotFound)]
    [InlineData("/api/devices?region=990101", HttpStatusCode.BadRequest)]
    [InlineData("/api/devices?region=9901&kind=submarine", HttpStatusCode.BadRequest)]
    public async Task A_listing_needs_a_known_place(string path, HttpStatusCode status)
    {
        using var http = await OperatorAsync();

        (await http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode.Should().Be(status);
    }

    [Fact]
    public async Task A_district_user_cannot_list_another_district()
    {
        var user = Engine.Users.First(u => u.Username == "operator.jiangbei");
        using var http = Engine.Http(await Engine.TokenAsync(user.Username, user.Password));

        var street = Engine.Devices.First(d => d.CellCode.StartsWith("990102", StringComparison.Ordinal)).CellCode[..9];

        (await http.GetAsync(new Uri($"/api/devices?region={street}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
