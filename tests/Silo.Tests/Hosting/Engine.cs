using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Formatter;
using Orleans.Configuration;
using Orleans.Runtime;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>
/// The real engine, built exactly as <c>dotnet run --project src/Silo</c> builds it, on free
/// loopback ports, with the sample city and its own data folder (so a test can restart it on the
/// same data). The simulator is off so that only the test's devices speak.
/// </summary>
public sealed class Engine : IAsyncDisposable
{
    private WebApplication? _app;

    private readonly IReadOnlyDictionary<string, string?> _settings;

    private Engine(string dataPath, IReadOnlyDictionary<string, string?>? settings)
    {
        DataPath = dataPath;
        _settings = settings ?? new Dictionary<string, string?>();
    }

    /// <summary>The Open311 client the tests post as, and its key.</summary>
    public const string Open311Client = "test-hotline";

    public const string Open311Key = "open311-test-key";

    public string DataPath { get; }

    /// <summary>A clock the test moves by hand in place of the system clock; null keeps the system clock.</summary>
    public TimeProvider? Clock { get; private init; }

    public int HttpPort { get; private set; }

    public int MqttPort { get; private set; }

    /// <summary>The GB/T 28181 access point's UDP and TCP port.</summary>
    public int SipPort { get; private set; }

    /// <summary>The silo's gateway, where a separate host joins the cluster as an Orleans client.</summary>
    public int GatewayPort { get; private set; }

    /// <summary>
    /// Where the tests reach the engine. A test may set <c>Http:Urls</c> itself with <c>{port}</c> in place of
    /// the port (<c>https://127.0.0.1:{port}</c>, <c>http://0.0.0.0:{port}</c>); the tests still call 127.0.0.1.
    /// </summary>
    public Uri BaseAddress => new((_settings.TryGetValue("Http:Urls", out var urls) && urls is not null ? urls : "http://127.0.0.1:{port}")
        .Replace("{port}", HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));

    /// <summary>How the tests' HTTP clients are made; an HTTPS test trusts its own certificate here.</summary>
    public Func<HttpMessageHandler>? Handler { get; init; }

    /// <summary>Registrations of the test's own, after the engine's (a log capture).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>The running engine's services, for a test that must look inside, e.g. at a gateway's own counters.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The engine is not running.");

    public static string CityPath { get; } = FindSampleCity();

    public static IReadOnlyList<DeviceRecord> Devices { get; } =
        JsonSerializer.Deserialize<DeviceRecord[]>(File.ReadAllBytes(Path.Combine(CityPath, "devices.json")), CityJson.Options)!;

    public static IReadOnlyList<UserRecord> Users { get; } =
        JsonSerializer.Deserialize<UserRecord[]>(File.ReadAllBytes(Path.Combine(CityPath, "users.json")), CityJson.Options)!;

    /// <summary>
    /// A real JPEG photo (evidence is decoded before it is kept) whose pixels are drawn from <paramref name="body"/>
    /// (or random bytes), so different bodies give different files and hashes.
    /// </summary>
    public static byte[] Photo(byte[]? body = null, int width = 64, int height = 48, SkiaSharp.SKEncodedImageFormat format = SkiaSharp.SKEncodedImageFormat.Jpeg)
    {
        var seed = System.Security.Cryptography.SHA256.HashData(body ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(256));
        using var bitmap = new SkiaSharp.SKBitmap(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) % 30;
                bitmap.SetPixel(x, y, new SkiaSharp.SKColor(seed[i], seed[i + 1], seed[i + 2]));
            }
        }

        using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    public static DeviceRecord Device(DeviceKind kind, int index = 0) => Devices.Where(d => d.Kind == kind).ElementAt(index);

    /// <param name="settings">Configuration that overrides the test defaults, e.g. to turn the simulator on.</param>
    /// <param name="clock">A clock the test moves by hand in place of the system clock.</param>
    /// <param name="prepareData">Puts files in the (new, empty) data folder before the first start, e.g. a database written earlier.</param>
    /// <param name="handler">Makes the handler of the tests' HTTP clients, e.g. one that trusts a test certificate.</param>
    /// <param name="services">Registrations of the test's own, after the engine's.</param>
    public static async Task<Engine> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? clock = null, Action<string>? prepareData = null,
        Func<HttpMessageHandler>? handler = null, Action<IServiceCollection>? services = null)
    {
        var engine = new Engine(Path.Combine(Path.GetTempPath(), "cityops-engine-tests", Guid.NewGuid().ToString("N")), settings) { Clock = clock, Handler = handler, ConfigureServices = services };
        if (prepareData is not null)
        {
            Directory.CreateDirectory(engine.DataPath);
            prepareData(engine.DataPath);
        }

        try
        {
            await engine.StartAgainAsync();
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }

        return engine;
    }

    /// <summary>
    /// Starts the engine (again) on the same data folder, on fresh ports. A port found free can be
    /// taken by another test process before the engine binds it; the start is then tried on others.
    /// </summary>
    public async Task StartAgainAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartOnFreshPortsAsync();
                return;
            }
            catch (Exception e) when (attempt < 5 && IsAddressInUse(e))
            {
                // What did start (the silo, the broker) stops before the ports are tried again.
                await StopAsync();
            }
        }
    }

    /// <summary>Kestrel reports a taken port as an IOException; the broker's and the SIP access point's listeners as the socket's own error.</summary>
    private static bool IsAddressInUse(Exception e) =>
        e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
        || (e is IOException && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        || (e.InnerException is { } inner && IsAddressInUse(inner));

    private async Task StartOnFreshPortsAsync()
    {
        HttpPort = FreePort();
        MqttPort = FreePort();
        SipPort = FreePort();
        var siloPort = FreePort();
        GatewayPort = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["Http:Urls"] = BaseAddress.ToString(),

            // Tests of a shared engine keep their tokens for the whole run; expiry is not what they test.
            ["Auth:TokenLifetime"] = "08:00:00",
            ["Mqtt:Port"] = MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:BindAddress"] = "127.0.0.1",
            ["Sip:Port"] = SipPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Storage:DataPath"] = DataPath,
            ["City:Path"] = CityPath,
            ["Simulator:Enabled"] = "false",

            // Many engines share this test process and the runtime's one meter; RuntimeMetricsTests reads it from an engine of its own.
            ["Telemetry:RuntimeMetrics"] = "false",
            ["Devices:CommandTimeout"] = "00:00:02",
            [$"Open311:ApiKeys:{Open311Client}"] = Open311Key,

            // Every test signs in from 127.0.0.1, many times a minute: the limits are tested on engines of their own.
            ["Auth:SignInsPerMinutePerAddress"] = "100000",
            ["Auth:SignInsPerMinutePerUsername"] = "100000",
            ["Open311:ReadsPerMinutePerAddress"] = "100000",
        };
        foreach (var (key, value) in _settings)
        {
            settings[key] = value?.Replace("{port}", HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        _app = await CityOpsHost.BuildAsync([], config => config.AddInMemoryCollection(settings), services =>
        {
            if (Clock is not null)
            {
                services.AddSingleton<TimeProvider>(Clock);

                // Orleans stamps a silo's start with the system clock and judges a joining silo's age by this one: a
                // test clock moved ahead makes the engine's own silo look stuck in joining, and it evicts itself.
                services.Configure<ClusterMembershipOptions>(o => o.EvictWhenMaxJoinAttemptTimeExceeded = false);
            }

            services.AddSingleton<IFatalErrorHandler, StopEngineOnFatalError>();
            ConfigureServices?.Invoke(services);
        });
        try
        {
            await _app.StartAsync();
        }
        catch
        {
            // What did start (the silo) stops, so a refused start leaves nothing running.
            await StopAsync();
            throw;
        }
    }

    /// <summary>Stops the engine the way Ctrl+C does: hosted services stop and grains deactivate.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public HttpClient Http(string? token = null)
    {
        var client = Handler is null ? new HttpClient() : new HttpClient(Handler(), disposeHandler: true);
        client.BaseAddress = BaseAddress;
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task<string> TokenAsync(string role)
    {
        var user = Users.First(u => u.Roles.Contains(role));
        return await TokenAsync(user.Username, user.Password);
    }

    public async Task<string> TokenAsync(string username, string password)
    {
        using var http = Http();
        return await SignInAsync(http, username, password);
    }

    /// <summary>Signs in over <c>POST /api/auth/token</c> and returns the access token.</summary>
    internal static async Task<string> SignInAsync(HttpClient http, string username, string password)
    {
        var response = await http.PostAsJsonAsync("/api/auth/token", new { username, password });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }

    public async Task<JsonElement> GetDeviceAsync(string deviceId, string token)
    {
        using var http = Http(token);
        var response = await http.GetAsync(new Uri($"/api/devices/{deviceId}", UriKind.Relative));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A real MQTT 5 client logged in as the device.</summary>
    public async Task<IMqttClient> ConnectDeviceAsync(DeviceRecord device) => await ConnectAsync(device.Id, device.Secret);

    public async Task<IMqttClient> ConnectAsync(string username, string password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(ClientOptions(username, password));
        return client;
    }

    /// <summary>How the broker answers a connection attempt with these credentials.</summary>
    public async Task<MqttClientConnectResultCode> TryConnectAsync(string username, string password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(ClientOptions(username, password));
            return result.ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException ex) when (ex.InnerException is null)
        {
            return ex.Message.Contains("BadUserNameOrPassword", StringComparison.Ordinal)
                ? MqttClientConnectResultCode.BadUserNameOrPassword
                : MqttClientConnectResultCode.UnspecifiedError;
        }
    }

    private MqttClientOptions ClientOptions(string username, string password) => new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", MqttPort)
            .WithClientId($"{username}-{Guid.NewGuid():N}")
            .WithCredentials(username, password)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .Build();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it is not.
        }
    }

    /// <summary>A loopback port free at this moment (another process may still take it before it is bound).</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A silo that finds itself declared dead stops its engine and says why. Orleans' own handler ends the process,
    /// which is right for an engine of its own and would end every other test sharing this one.
    /// </summary>
    private sealed class StopEngineOnFatalError(IHostApplicationLifetime lifetime) : IFatalErrorHandler
    {
        public bool IsUnexpected(Exception exception) => true;

        public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
        {
            Console.Error.WriteLine($"[engine] fatal error from {sender}: {context} {exception}");
            lifetime.StopApplication();
        }
    }

    private static string FindSampleCity()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "city");
            if (File.Exists(Path.Combine(candidate, "devices.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("The sample city (samples/city) was not found above the test's folder.");
    }
}

/// <summary>One running engine shared by the tests that do not restart it.</summary>
public sealed class EngineFixture : IAsyncLifetime
{
    public Engine Engine { get; private set; } = null!;

    public async Task InitializeAsync() => Engine = await Engine.StartAsync();

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class EngineTests : ICollectionFixture<EngineFixture>
{
    public const string Name = "engine";
}
