using System.Diagnostics;
using System.Net.Http.Json;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>A device vendor's first try: Debian's mosquitto clients against the running engine.</summary>
[Collection(EngineTests.Name)]
public class CommandLineClientTests(EngineFixture fixture)
{
    private static string MosquittoSub => Environment.GetEnvironmentVariable("CITYOPS_TEST_MOSQUITTO_SUB") is { Length: > 0 } path
        ? path
        : throw new InvalidOperationException("CITYOPS_TEST_MOSQUITTO_SUB is not set: run the tests with ./scripts/test.sh, which installs mosquitto-clients.");

    private static string MosquittoPub => Environment.GetEnvironmentVariable("CITYOPS_TEST_MOSQUITTO_PUB") is { Length: > 0 } path
        ? path
        : throw new InvalidOperationException("CITYOPS_TEST_MOSQUITTO_PUB is not set: run the tests with ./scripts/test.sh, which installs mosquitto-clients.");

    private async Task<(int ExitCode, string Output)> PublishAsync(string username, string password, string topic, string message)
    {
        var start = new ProcessStartInfo(MosquittoPub)
        {
            ArgumentList = { "-h", "127.0.0.1", "-p", fixture.Engine.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", username, "-P", password, "-t", topic, "-m", message, "-q", "1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    [Fact]
    public async Task Mosquitto_pub_with_a_devices_credentials_updates_its_twin()
    {
        var device = Engine.Device(DeviceKind.WaterLevel, 3);

        var (exitCode, output) = await PublishAsync(device.Id, device.Secret, $"city/{device.Id}/telemetry", """{"values":{"waterLevelCm":3.5}}""");

        exitCode.Should().Be(0, output);
        var twin = await fixture.Engine.GetDeviceAsync(device.Id, await fixture.Engine.TokenAsync("operator"));
        twin.GetProperty("values").GetProperty("waterLevelCm").GetDouble().Should().Be(3.5);
    }

    [Fact]
    public async Task Mosquitto_pub_with_a_wrong_password_is_refused()
    {
        var device = Engine.Device(DeviceKind.WaterLevel, 4);

        var (exitCode, output) = await PublishAsync(device.Id, "wrong", $"city/{device.Id}/telemetry", """{"values":{"waterLevelCm":3.5}}""");

        exitCode.Should().NotBe(0);
        output.Should().ContainEquivalentOf("refused");
    }

    [Fact]
    public async Task Mosquitto_sub_with_a_devices_credentials_receives_its_commands()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 9);
        var start = new ProcessStartInfo(MosquittoSub)
        {
            ArgumentList = { "-h", "127.0.0.1", "-p", fixture.Engine.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", pole.Id, "-P", pole.Secret, "-t", $"city/{pole.Id}/commands", "-C", "1", "-W", "20" },
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();

        // mosquitto_sub says nothing until it exits; should the command go out before it has
        // subscribed, the engine's retry of the unacknowledged command reaches it.
        await Task.Delay(TimeSpan.FromSeconds(1));
        using var http = fixture.Engine.Http(await fixture.Engine.TokenAsync("operator"));

        var response = await http.PostAsJsonAsync($"/api/devices/{pole.Id}/commands", new { name = "setLight", args = new { on = true, level = 80 } });

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        process.ExitCode.Should().Be(0);
        (await output).Should().Contain("\"name\":\"setLight\"").And.Contain("\"level\":80");
    }
}
