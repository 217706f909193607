using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using MQTTnet;
using MQTTnet.Protocol;

// A little over 400 lines: the gateway's behaviours seen from real MQTT clients, one engine for all of them.

namespace CityOps.Silo.Tests.Hosting;

/// <summary>The device gateway over real MQTT connections: hostile input, floods, redeliveries, commands, revocation.</summary>
[Collection(EngineTests.Name)]
public class DeviceGatewayTests(EngineFixture fixture)
{
    private static readonly double[] SomeWhere = [114.3, 27.6];
    private static readonly double[] OffTheMap = [514.3, 27.6];

    private Engine Engine => fixture.Engine;

    private static MqttApplicationMessage Message(string topic, string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    private async Task<JsonElement> StatsAsync()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        return await http.GetFromJsonAsync<JsonElement>("/api/gateway/stats");
    }

    private static long Count(JsonElement stats, string group, string name) =>
        stats.GetProperty(group).TryGetProperty(name, out var n) ? n.GetInt64() : 0;

    [Fact]
    public async Task Hostile_payloads_are_refused_and_counted_while_another_devices_traffic_keeps_flowing()
    {
        var attacker = Engine.Device(DeviceKind.Noise, 5);
        var neighbour = Engine.Device(DeviceKind.Noise, 6);
        var hostile = new Dictionary<string, string>
        {
            ["malformedJson"] = """{"values":{"noiseDb":5""",
            ["wrongType"] = """{"values":{"noiseDb":"loud"}}""",
            ["nonFiniteNumber"] = """{"values":{"noiseDb":1e999}}""",
            ["outOfRange"] = """{"values":{"noiseDb":1e300}}""",
            ["unknownField"] = """{"values":{"noiseDb":5},"admin":true}""",
            ["tooDeep"] = "{\"values\":{\"noiseDb\":" + new string('[', 40) + new string(']', 40) + "}}",
            ["payloadTooLarge"] = "{\"values\":{\"noiseDb\":5},\"pad\":\"" + new string('x', 20_000) + "\"}",
        };
        var before = await StatsAsync();
        using var bad = await Engine.ConnectDeviceAsync(attacker);
        using var good = await Engine.ConnectDeviceAsync(neighbour);

        var attack = Task.Run(async () =>
        {
            foreach (var payload in hostile.Values)
            {
                (await bad.PublishAsync(Message($"city/{attacker.Id}/telemetry", payload))).ReasonCode
                    .Should().Be(MqttClientPublishReasonCode.PayloadFormatInvalid);
            }
        });
        for (var i = 1; i <= 15; i++)
        {
            (await good.PublishAsync(Message($"city/{neighbour.Id}/telemetry", "{\"values\":{\"noiseDb\":" + (40 + i) + "}}"))).ReasonCode
                .Should().Be(MqttClientPublishReasonCode.Success);
        }

        await attack;
        var twin = await Engine.GetDeviceAsync(neighbour.Id, await Engine.TokenAsync("operator"));
        twin.GetProperty("values").GetProperty("noiseDb").GetDouble().Should().Be(55);
        var after = await StatsAsync();
        foreach (var reason in hostile.Keys)
        {
            (Count(after, "rejected", reason) - Count(before, "rejected", reason)).Should().BeGreaterThanOrEqualTo(1, reason);
        }
    }

    [Fact]
    public async Task A_device_flooding_is_throttled_and_flagged_without_slowing_its_neighbour()
    {
        var flooder = Engine.Device(DeviceKind.Manhole, 5);
        var neighbour = Engine.Device(DeviceKind.Manhole, 6);
        using var loud = await Engine.ConnectDeviceAsync(flooder);
        using var quiet = await Engine.ConnectDeviceAsync(neighbour);

        var codes = new ConcurrentBag<MqttClientPublishReasonCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
            codes.Add((await loud.PublishAsync(Message($"city/{flooder.Id}/telemetry", "{\"values\":{\"tiltDeg\":" + (i % 3) + "}}"), token)).ReasonCode));
        var neighbourResult = await quiet.PublishAsync(Message($"city/{neighbour.Id}/telemetry", """{"values":{"tiltDeg":1.5}}"""));

        codes.Should().Contain(MqttClientPublishReasonCode.QuotaExceeded);
        neighbourResult.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        Count(await StatsAsync(), "throttled", flooder.Id).Should().BePositive();
    }

    [Fact]
    public async Task A_redelivered_message_with_a_seq_already_applied_is_not_applied_again()
    {
        var device = Engine.Device(DeviceKind.Gas, 5);
        using var client = await Engine.ConnectDeviceAsync(device);
        var before = (await StatsAsync()).GetProperty("duplicates").GetInt64();

        await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"seq":7,"values":{"gasLel":2}}"""));
        await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"seq":7,"values":{"gasLel":9}}"""));

        var twin = await Engine.GetDeviceAsync(device.Id, await Engine.TokenAsync("operator"));
        twin.GetProperty("values").GetProperty("gasLel").GetDouble().Should().Be(2);
        (await StatsAsync()).GetProperty("duplicates").GetInt64().Should().Be(before + 1);
    }

    [Fact]
    public async Task A_threshold_crossed_over_mqtt_shows_as_an_alarm_on_the_device()
    {
        var device = Engine.Device(DeviceKind.WaterLevel, 5);
        using var client = await Engine.ConnectDeviceAsync(device);

        await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"values":{"waterLevelCm":18.5}}"""));

        var twin = await Engine.GetDeviceAsync(device.Id, await Engine.TokenAsync("operator"));
        var alarm = twin.GetProperty("alarms").EnumerateArray().Single();
        alarm.GetProperty("kind").GetString().Should().Be("waterlogging");
        alarm.GetProperty("value").GetDouble().Should().Be(18.5);
    }

    [Fact]
    public async Task An_sos_press_on_a_pole_raises_a_critical_alarm()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 5);
        using var client = await Engine.ConnectDeviceAsync(pole);

        var result = await client.PublishAsync(Message($"city/{pole.Id}/alarm", """{"kind":"sos"}"""));

        result.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        var twin = await Engine.GetDeviceAsync(pole.Id, await Engine.TokenAsync("operator"));
        twin.GetProperty("alarms").EnumerateArray().Should().Contain(a => a.GetProperty("kind").GetString() == "sos" && a.GetProperty("severity").GetString() == "critical");
    }

    [Fact]
    public async Task The_last_will_marks_a_device_that_dropped_off_as_offline()
    {
        var device = Engine.Device(DeviceKind.Hydrant, 5);
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Engine.MqttPort)
            .WithClientId(device.Id)
            .WithCredentials(device.Id, device.Secret)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithWillTopic($"city/{device.Id}/status")
            .WithWillPayload("""{"online":false}""")
            .WithWillRetain()
            .Build());
        await client.PublishAsync(Message($"city/{device.Id}/status", """{"online":true}"""));

        // Dropping the connection without a DISCONNECT packet, as a device losing power does.
        client.Dispose();

        var token = await Engine.TokenAsync("operator");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        bool online;
        do
        {
            online = (await Engine.GetDeviceAsync(device.Id, token)).GetProperty("online").GetBoolean();
        }
        while (online && DateTime.UtcNow < deadline && await Delay());
        online.Should().BeFalse();
    }

    [Fact]
    public async Task A_command_reaches_the_device_and_its_acknowledgement_is_recorded()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 6);
        using var device = await Engine.ConnectDeviceAsync(pole);
        var received = new TaskCompletionSource<JsonElement>();
        device.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(JsonDocument.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload)).RootElement.Clone());
            return Task.CompletedTask;
        };
        await device.SubscribeAsync($"city/{pole.Id}/commands", MqttQualityOfServiceLevel.AtLeastOnce);
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.PostAsJsonAsync($"/api/devices/{pole.Id}/commands", new { name = "setLight", args = new { level = 40 } });

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var command = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        command.GetProperty("name").GetString().Should().Be("setLight");
        command.GetProperty("args").GetProperty("level").GetInt32().Should().Be(40);
        var id = command.GetProperty("id").GetString();
        await device.PublishAsync(Message($"city/{pole.Id}/commands/ack", $$"""{"id":"{{id}}","ok":true,"error":null}"""));
        var commands = await http.GetFromJsonAsync<JsonElement>($"/api/devices/{pole.Id}/commands");
        commands.EnumerateArray().Single(c => c.GetProperty("id").GetString() == id).GetProperty("state").GetString().Should().Be("acknowledged");
    }

    [Fact]
    public async Task A_device_connecting_again_with_its_client_id_takes_over_its_session_and_commands_reach_the_new_connection()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 15);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Engine.MqttPort)
            .WithClientId($"{pole.Id}-{Guid.NewGuid():N}")
            .WithCredentials(pole.Id, pole.Secret)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build();
        using var before = new MqttClientFactory().CreateMqttClient();
        var takenOver = new TaskCompletionSource<MqttClientDisconnectedEventArgs>();
        before.DisconnectedAsync += e =>
        {
            takenOver.TrySetResult(e);
            return Task.CompletedTask;
        };
        await before.ConnectAsync(options);
        using var after = new MqttClientFactory().CreateMqttClient();
        var received = new TaskCompletionSource<JsonElement>();
        after.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(JsonDocument.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload)).RootElement.Clone());
            return Task.CompletedTask;
        };

        await after.ConnectAsync(options);
        (await takenOver.Task.WaitAsync(TimeSpan.FromSeconds(10))).Reason.Should().Be(MqttClientDisconnectReason.SessionTakenOver);
        await after.SubscribeAsync($"city/{pole.Id}/commands", MqttQualityOfServiceLevel.AtLeastOnce);
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        var response = await http.PostAsJsonAsync($"/api/devices/{pole.Id}/commands", new { name = "setLight", args = new { level = 60 } });

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var command = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        command.GetProperty("args").GetProperty("level").GetInt32().Should().Be(60);
        after.IsConnected.Should().BeTrue();
    }

    [Fact]
    public async Task A_command_nobody_acknowledges_is_retried_and_then_times_out()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 7);
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.PostAsJsonAsync($"/api/devices/{pole.Id}/commands", new { name = "broadcast", args = new { text = "前方积水，请绕行" } });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement command;
        do
        {
            command = (await http.GetFromJsonAsync<JsonElement>($"/api/devices/{pole.Id}/commands")).EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);
        }
        while (command.GetProperty("state").GetString() != "timedOut" && DateTime.UtcNow < deadline && await Delay());
        command.GetProperty("state").GetString().Should().Be("timedOut");
        command.GetProperty("attempts").GetInt32().Should().Be(2);
    }

    [Theory]
    [InlineData("setLight", """{"level":400}""")]
    [InlineData("launch", """{}""")]
    [InlineData("cameraPreset", """{"preset":3}""")]
    public async Task An_invalid_command_is_refused_with_a_reason(string name, string args)
    {
        var pole = Engine.Device(DeviceKind.WaterLevel, 8);
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.PostAsJsonAsync($"/api/devices/{pole.Id}/commands", new { name, args = JsonDocument.Parse(args).RootElement });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_operators_and_administrators_send_commands()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 8);
        using var http = Engine.Http(await Engine.TokenAsync("dispatcher"));

        var response = await http.PostAsJsonAsync($"/api/devices/{pole.Id}/commands", new { name = "setLight", args = new { on = true } });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_provisioned_device_connects_with_the_secret_it_was_given_until_it_is_revoked()
    {
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));
        var id = $"NS-TEST-{Guid.NewGuid():N}"[..24];
        var cell = Engine.Device(DeviceKind.Noise).CellCode;

        var created = await admin.PostAsJsonAsync("/api/devices", new { id, kind = "noise", name = "测试噪声点", location = SomeWhere, cellCode = cell, expectedIntervalSeconds = 60 });

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        var client = await Engine.ConnectAsync(id, secret);
        (await client.PublishAsync(Message($"city/{id}/telemetry", """{"values":{"noiseDb":48}}"""))).ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);

        (await admin.PostAsync(new Uri($"/api/devices/{id}/revoke", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (client.IsConnected && DateTime.UtcNow < deadline && await Delay())
        {
        }

        client.IsConnected.Should().BeFalse();
        (await Engine.TryConnectAsync(id, secret)).Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);
        client.Dispose();
    }

    [Fact]
    public async Task Provisioning_an_existing_id_is_a_conflict_and_bad_input_a_bad_request()
    {
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));
        var existing = Engine.Device(DeviceKind.Gas);

        (await admin.PostAsJsonAsync("/api/devices", new { id = existing.Id, kind = "gas", name = "x", location = SomeWhere, cellCode = existing.CellCode }))
            .StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await admin.PostAsJsonAsync("/api/devices", new { id = "X-1", kind = "gas", name = "x", location = OffTheMap, cellCode = existing.CellCode }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_administrators_provision_devices()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.PostAsJsonAsync("/api/devices", new { id = "X-2", kind = "gas", name = "x", location = SomeWhere, cellCode = "9901010010010001" });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task History_serves_a_devices_readings_for_charts()
    {
        var device = Engine.Device(DeviceKind.AirQuality, 5);
        using (var client = await Engine.ConnectDeviceAsync(device))
        {
            await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"values":{"pm25":35}}"""));
            await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"values":{"pm25":45}}"""));
        }

        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        var points = await http.GetFromJsonAsync<JsonElement>($"/api/devices/{device.Id}/history?metric=pm25");

        points.EnumerateArray().Sum(p => p.GetProperty("count").GetInt32()).Should().Be(2);
        (await http.GetAsync(new Uri($"/api/devices/{device.Id}/history", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_video_channel_shows_its_record_and_the_snapshot_of_its_latest_detection()
    {
        var camera = Engine.Device(DeviceKind.Camera, 5);
        using (var client = await Engine.ConnectDeviceAsync(camera))
        {
            (await client.PublishAsync(Message($"city/{camera.Id}/detections", """{"kind":"illegal_parking","confidence":0.93,"snapshot":"blob://snapshots/p1.jpg"}""")))
                .ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        }

        var twin = await Engine.GetDeviceAsync(camera.Id, await Engine.TokenAsync("operator"));

        var video = twin.GetProperty("video");
        video.GetProperty("code").GetString().Should().Be(camera.Id);
        video.GetProperty("scene").GetString().Should().Be(camera.Video!.Scene);
        video.GetProperty("streamUrl").GetString().Should().Be(camera.Video.StreamUrl);
        video.GetProperty("latestSnapshot").GetString().Should().Be("blob://snapshots/p1.jpg");
        twin.GetProperty("alarms").EnumerateArray().Should().Contain(a => a.GetProperty("kind").GetString() == "illegal_parking");
    }

    [Fact]
    public async Task A_smart_pole_shows_its_modules()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 10);

        var twin = await Engine.GetDeviceAsync(pole.Id, await Engine.TokenAsync("operator"));

        twin.GetProperty("modules").EnumerateArray().Select(m => m.GetString()).Should().Equal(pole.Modules);
    }

    [Fact]
    public async Task A_device_cannot_take_over_another_devices_session_by_its_client_id()
    {
        var victim = Engine.Device(DeviceKind.Gas, 12);
        var intruder = Engine.Device(DeviceKind.Gas, 13);
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Engine.MqttPort)
            .WithClientId(victim.Id)
            .WithCredentials(intruder.Id, intruder.Secret)
            .WithCleanSession(false)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build());

        result.ResultCode.Should().Be(MqttClientConnectResultCode.ClientIdentifierNotValid);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x76, 0x61, 0x6C, 0x75, 0x65, 0x73, 0x22, 0x3A, 0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D, 0x7D })]
    public async Task A_payload_with_invalid_utf8_is_refused_as_malformed_and_the_connection_stays(byte[] payload)
    {
        var device = Engine.Device(DeviceKind.Gas, 14);
        using var client = await Engine.ConnectDeviceAsync(device);

        var bad = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"city/{device.Id}/telemetry").WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var lone = await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"values":{"\ud800":1}}"""));
        var good = await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"values":{"gasLel":1}}"""));

        bad.ReasonCode.Should().Be(MqttClientPublishReasonCode.PayloadFormatInvalid);
        lone.ReasonCode.Should().Be(MqttClientPublishReasonCode.PayloadFormatInvalid);
        good.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
    }

    [Fact]
    public async Task An_operator_clears_an_sos_once_dealt_with_but_not_a_threshold_alarm()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 12);
        using (var client = await Engine.ConnectDeviceAsync(pole))
        {
            await client.PublishAsync(Message($"city/{pole.Id}/alarm", """{"kind":"sos"}"""));
        }

        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        (await http.PostAsync(new Uri($"/api/devices/{pole.Id}/alarms/sos/clear", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await http.PostAsync(new Uri($"/api/devices/{pole.Id}/alarms/sos/clear", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Engine.GetDeviceAsync(pole.Id, await Engine.TokenAsync("operator"))).GetProperty("alarms").EnumerateArray().Should().NotContain(a => a.GetProperty("kind").GetString() == "sos");
    }

    [Theory]
    [InlineData("setLight", """{"level":"40"}""")]
    [InlineData("cameraPreset", """{"preset":true}""")]
    public async Task A_command_argument_of_the_wrong_type_is_a_bad_request(string name, string args)
    {
        var device = name == "setLight" ? Engine.Device(DeviceKind.SmartPole, 13) : Engine.Device(DeviceKind.Camera, 13);
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.PostAsJsonAsync($"/api/devices/{device.Id}/commands", new { name, args = JsonDocument.Parse(args).RootElement });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Provisioning_into_a_cell_that_does_not_exist_is_a_bad_request()
    {
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));

        var response = await admin.PostAsJsonAsync("/api/devices", new { id = "NS-NOWHERE-1", kind = "noise", name = "x", location = SomeWhere, cellCode = "9901999999999999" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(200);
        return true;
    }
}
