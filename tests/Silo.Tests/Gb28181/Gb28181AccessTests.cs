using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Samples.DeviceSimulator.Gb28181;
using CityOps.Silo.Tests.Events;

namespace CityOps.Silo.Tests.Gb28181;

/// <summary>GB/T 28181 recorders against the engine's access point over real UDP and TCP: registration, catalog, keepalive, PTZ, alarms.</summary>
public sealed class Gb28181AccessTests(SipEngineFixture fixture) : IClassFixture<SipEngineFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("UDP")]
    [InlineData("TCP")]
    public async Task A_recorder_registers_with_the_digest_of_its_secret(string transport)
    {
        await using var nvr = fixture.Recorder(0, transport);

        (await nvr.RegisterAsync(CancellationToken.None)).Should().Be(200);

        fixture.AccessPoint.Directory.Find(nvr.Id).Should().NotBeNull();
    }

    [Fact]
    public async Task A_recorder_with_a_wrong_password_is_refused_and_counted()
    {
        await using var nvr = fixture.Recorder(1);
        var before = fixture.Refused("wrongDigest");

        (await nvr.RegisterAsync(CancellationToken.None, password: "not-the-secret")).Should().Be(403);

        fixture.Refused("wrongDigest").Should().Be(before + 1);
    }

    [Fact]
    public async Task A_device_the_registry_does_not_hold_is_refused_and_counted()
    {
        var stranger = new GbRecorderRecord("34020000001180009999", []);
        await using var nvr = new SimulatedNvr(stranger, "whatever", fixture.Server);
        var before = fixture.Refused("unknownDevice");

        (await nvr.RegisterAsync(CancellationToken.None)).Should().Be(403);

        fixture.Refused("unknownDevice").Should().Be(before + 1);
    }

    [Fact]
    public async Task A_register_replayed_with_a_used_nonce_is_challenged_again_and_counted()
    {
        await using var nvr = fixture.Recorder(2);
        (await nvr.RegisterAsync(CancellationToken.None)).Should().Be(200);
        var before = fixture.Refused("staleNonce");

        (await nvr.RegisterWithAsync(nvr.LastAuthorization!, CancellationToken.None)).Should().Be(401);

        fixture.Refused("staleNonce").Should().Be(before + 1);
    }

    [Fact]
    public async Task Expires_zero_unregisters_the_recorder()
    {
        await using var nvr = fixture.Recorder(3, "TCP");
        (await nvr.RegisterAsync(CancellationToken.None)).Should().Be(200);

        (await nvr.RegisterAsync(CancellationToken.None, expires: 0)).Should().Be(200);

        fixture.AccessPoint.Directory.Find(nvr.Id).Should().BeNull();
        (await nvr.KeepaliveAsync(CancellationToken.None)).Should().Be(403);
    }

    /// <summary>What the access point asks a recorder that registers from a new place.</summary>
    private static readonly string[] FirstQueries = ["Catalog", "DeviceInfo", "DeviceStatus"];

    [Fact]
    public async Task The_catalog_puts_each_channel_on_the_map_as_a_camera_where_the_recorder_says_it_is()
    {
        await using var nvr = fixture.Recorder(0);
        using var running = new CancellationTokenSource();
        var keepingAlive = nvr.RunAsync(TimeSpan.FromMilliseconds(500), running.Token);
        using var http = fixture.Engine.Http(await fixture.Engine.TokenAsync("operator"));
        var channel = nvr.Recorder.Channels[0];

        JsonElement twin = default;
        await CaseClient.EventuallyAsync(async () =>
        {
            var response = await http.GetAsync(new Uri($"/api/devices/{channel.Id}", UriKind.Relative));
            twin = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            return nvr.Registered && twin.ValueKind == JsonValueKind.Object && twin.GetProperty("online").GetBoolean()
                && FirstQueries.All(nvr.QueriesAnswered.ContainsKey)
                && fixture.AccessPoint.Directory.Find(nvr.Id)?.Info.ContainsKey("Manufacturer") == true;
        }, Patience);

        twin.GetProperty("kind").GetString().Should().Be("camera");
        twin.GetProperty("name").GetString().Should().Be(channel.Name);
        twin.GetProperty("location").EnumerateArray().Select(v => v.GetDouble()).Should().Equal(channel.Location);
        twin.GetProperty("video").GetProperty("streamUrl").GetString().Should().Be($"rtsp://media.test/rtp/{channel.Id}");
        await running.CancelAsync();
        await keepingAlive;
    }

    [Fact]
    public async Task Channels_stay_online_while_keepalives_come_and_go_offline_when_they_stop()
    {
        await using var nvr = fixture.Recorder(1, "TCP");
        using var running = new CancellationTokenSource();
        var keepingAlive = nvr.RunAsync(TimeSpan.FromMilliseconds(500), running.Token);
        using var http = fixture.Engine.Http(await fixture.Engine.TokenAsync("operator"));
        var channel = nvr.Recorder.Channels[1];
        await CaseClient.EventuallyAsync(async () => nvr.Registered && await OnlineAsync(http, channel.Id) == true, Patience);

        // Well past three keepalive intervals, still online.
        await Task.Delay(TimeSpan.FromSeconds(5));
        (await OnlineAsync(http, channel.Id)).Should().BeTrue();

        await running.CancelAsync();
        await keepingAlive;
        JsonElement twin = default;
        await CaseClient.EventuallyAsync(async () =>
        {
            twin = await http.GetFromJsonAsync<JsonElement>($"/api/devices/{channel.Id}");
            return !twin.GetProperty("online").GetBoolean();
        }, Patience);
        twin.GetProperty("alarms").EnumerateArray().Should().Contain(a => a.GetProperty("kind").GetString() == "device_offline");
        await CaseClient.EventuallyAsync(() => Task.FromResult(fixture.AccessPoint.Directory.Find(nvr.Id) is null), Patience);
    }

    [Fact]
    public async Task A_dispatchers_preset_command_reaches_the_recorder_and_its_answer_acknowledges_it()
    {
        await using var nvr = fixture.Recorder(2, "TCP");
        using var running = new CancellationTokenSource();
        var keepingAlive = nvr.RunAsync(TimeSpan.FromMilliseconds(500), running.Token);
        using var http = fixture.Engine.Http(await fixture.Engine.TokenAsync("operator"));
        var channel = nvr.Recorder.Channels.First(c => c.Ptz);
        await CaseClient.EventuallyAsync(async () => nvr.Registered && await OnlineAsync(http, channel.Id) == true, Patience);

        var sent = await http.PostAsJsonAsync($"/api/devices/{channel.Id}/commands", new { name = "cameraPreset", args = new { preset = 3 } });

        sent.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var commandId = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await CaseClient.EventuallyAsync(async () =>
        {
            var commands = await http.GetFromJsonAsync<JsonElement>($"/api/devices/{channel.Id}/commands");
            return commands.EnumerateArray().Any(c => c.GetProperty("id").GetString() == commandId && c.GetProperty("state").GetString() == "acknowledged");
        }, Patience);
        nvr.PresetsCalled.Should().Contain((channel.Id, 3));
        await running.CancelAsync();
        await keepingAlive;
    }

    [Fact]
    public async Task An_alarm_notification_of_a_video_detection_opens_a_case_at_the_channel()
    {
        await using var nvr = fixture.Recorder(3);
        using var running = new CancellationTokenSource();
        var keepingAlive = nvr.RunAsync(TimeSpan.FromMilliseconds(500), running.Token);
        using var http = fixture.Engine.Http(await fixture.Engine.TokenAsync("operator"));
        var channel = nvr.Recorder.Channels[2];
        await CaseClient.EventuallyAsync(async () => nvr.Registered && await OnlineAsync(http, channel.Id) == true, Patience);

        (await nvr.AlarmAsync(channel.Id, "street_vending", CancellationToken.None, confidence: 0.97)).Should().Be(200);

        JsonElement found = default;
        await CaseClient.EventuallyAsync(async () =>
        {
            var cases = await http.GetFromJsonAsync<JsonElement>("/api/events?category=street_vending");
            found = cases.EnumerateArray().FirstOrDefault(c => c.GetProperty("location").EnumerateArray().Select(v => v.GetDouble()).SequenceEqual(channel.Location));
            return found.ValueKind == JsonValueKind.Object;
        }, Patience);
        var detail = await http.GetFromJsonAsync<JsonElement>($"/api/events/{found.GetProperty("id").GetString()}");
        detail.GetProperty("reporter").GetString().Should().Be(channel.Id);
        await running.CancelAsync();
        await keepingAlive;
    }

    private static async Task<bool?> OnlineAsync(HttpClient http, string deviceId)
    {
        var response = await http.GetAsync(new Uri($"/api/devices/{deviceId}", UriKind.Relative));
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("online").GetBoolean() : null;
    }
}
