using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Hosting;
using MQTTnet;
using MQTTnet.Formatter;

// Over 400 lines on purpose: an engine as a separate OS process (start, signals, logs, ports, data folder)
// is one helper that the reliability tests drive as a whole.

namespace CityOps.Silo.Tests.Reliability;

/// <summary>Which of the engine's programs a process runs (docs/architecture.md, Processes).</summary>
public enum EngineProgram
{
    /// <summary><c>src/Silo</c>: a silo with, unless configured away, its gateway, HTTP host and simulator.</summary>
    Silo,

    /// <summary><c>src/DeviceGateway</c>: an MQTT gateway that joins the cluster as a client.</summary>
    DeviceGateway,

    /// <summary><c>src/DashboardHost</c>: APIs, hub and pages, joining the cluster as a client.</summary>
    DashboardHost,
}

/// <summary>How a graceful stop went.</summary>
/// <param name="ExitCode">Null when the engine had not exited by the timeout (it is then killed).</param>
public sealed record StopResult(TimeSpan Elapsed, int? ExitCode);

/// <summary>
/// The engine as an operating-system process, <c>dotnet CityOps.Silo.dll</c> built from src/Silo
/// (or one of its other programs, <see cref="EngineProgram"/>),
/// configured through environment variables as an operator would, so that a test can kill it
/// (SIGKILL), stop it (SIGTERM) and start it again on the same data folder. Each start takes
/// fresh loopback ports. Its stdout and stderr are kept line by line, and written to a file under
/// the test's output folder (reliability-logs/).
/// </summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Engines still running when the test host exits are killed, so none outlives a crashed run.</summary>
    private static readonly ConcurrentDictionary<EngineProcess, byte> Running = new();

    private readonly string _name;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Lazy<string> _assembly;
    private readonly List<string> _lines = [];
    private readonly object _gate = new();
    private Process? _process;
    private StreamWriter? _logFile;
    private int _starts;

    static EngineProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var engine in Running.Keys)
        {
            engine.KillNow();
        }
    };

    /// <param name="name">Names the log files.</param>
    /// <param name="settings">Configuration in environment form (<c>Simulator__Enabled</c>) that overrides the defaults.</param>
    /// <param name="program">The program to run; the silo unless said otherwise.</param>
    public EngineProcess(string name, IReadOnlyDictionary<string, string?>? settings = null, EngineProgram program = EngineProgram.Silo)
    {
        _name = name;
        _settings = settings ?? new Dictionary<string, string?>();
        _assembly = program switch
        {
            EngineProgram.DeviceGateway => GatewayAssembly,
            EngineProgram.DashboardHost => DashboardAssembly,
            _ => SiloAssembly,
        };
        DataPath = Path.Combine(Path.GetTempPath(), "cityops-engine-process", Guid.NewGuid().ToString("N"));
    }

    public const string Open311Client = Engine.Open311Client;

    public const string Open311Key = Engine.Open311Key;

    public string DataPath { get; }

    public int HttpPort { get; private set; }

    public int MqttPort { get; private set; }

    /// <summary>The port where a silo takes Orleans clients (its gateway), chosen at each start.</summary>
    public int OrleansGatewayPort { get; private set; }

    public int? ProcessId => _process?.Id;

    public bool IsRunning => _process is { HasExited: false };

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>The file the current (or last) run writes its output to.</summary>
    public string? LogFile { get; private set; }

    /// <summary>How many lines have been captured so far, over all runs: a mark for <see cref="LinesSince"/>.</summary>
    public int LineCount
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>Every captured line of every run, runs separated by a line starting with <c>=====</c>.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public IReadOnlyList<string> LinesSince(int mark)
    {
        lock (_gate)
        {
            return _lines.GetRange(mark, _lines.Count - mark);
        }
    }

    public string Tail(int count = 40)
    {
        lock (_gate)
        {
            return string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - count)));
        }
    }

    /// <summary>Starts the engine, or starts it again on the same data folder on fresh ports, and waits until <c>/health</c> answers 200.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The engine is already running.");
        }

        _process?.Dispose();
        HttpPort = FreePort();
        MqttPort = _settings.TryGetValue("Mqtt__Port", out var fixedPort) && fixedPort is not null ? int.Parse(fixedPort, CultureInfo.InvariantCulture) : FreePort();
        var environment = new Dictionary<string, string?>
        {
            ["Http__Urls"] = BaseAddress.ToString(),
            ["Mqtt__Port"] = Invariant(MqttPort),
            ["Mqtt__BindAddress"] = "127.0.0.1",
            ["Sip__Port"] = Invariant(FreePort()),
            ["Orleans__SiloPort"] = Invariant(FreePort()),
            ["Orleans__GatewayPort"] = Invariant(OrleansGatewayPort = FreePort()),
            ["Storage__DataPath"] = DataPath,
            ["City__Path"] = Engine.CityPath,
            ["City__PrintDemoSignIns"] = "false",

            // Tokens taken before a crash are used after it; expiry is not what these tests test.
            ["Auth__TokenLifetime"] = "08:00:00",
            ["Simulator__Enabled"] = "false",
            [$"Open311__ApiKeys__{Open311Client}"] = Open311Key,
            ["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled",
        };
        foreach (var (key, value) in _settings)
        {
            environment[key] = value;
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(_assembly.Value)!,
        };
        start.ArgumentList.Add(_assembly.Value);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _starts++;
        OpenLogFile();
        Capture($"===== start {_starts}: {_assembly.Value} http {HttpPort} mqtt {MqttPort} data {DataPath}");
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Running[this] = 0;

        await WaitHealthyAsync(process);
    }

    /// <summary>Kills the engine at once (SIGKILL), as a power cut or the OOM killer would, and waits for it to be gone.</summary>
    public async Task<TimeSpan> KillAsync()
    {
        var watch = Stopwatch.StartNew();
        if (_process is { } process)
        {
            KillNow();
            await process.WaitForExitAsync();
        }

        Ended();
        return watch.Elapsed;
    }

    /// <summary>
    /// Stops the engine the way systemd or Kubernetes does: SIGTERM to its own process, then
    /// waits up to <paramref name="timeout"/>; an engine still running then is killed.
    /// </summary>
    public async Task<StopResult> StopAsync(TimeSpan timeout)
    {
        if (_process is not { HasExited: false } process)
        {
            throw new InvalidOperationException("The engine is not running.");
        }

        var watch = Stopwatch.StartNew();
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Invariant(process.Id) }, UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Capture($"===== still running {timeout.TotalSeconds:0} s after SIGTERM: killed");
            await KillAsync();
            return new StopResult(watch.Elapsed, null);
        }

        var elapsed = watch.Elapsed;
        Ended();
        return new StopResult(elapsed, process.ExitCode);
    }

    public HttpClient Http(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>A token of the first demo user (samples/city/users.json) with the role.</summary>
    public async Task<string> TokenAsync(string role)
    {
        var user = Engine.Users.First(u => u.Roles.Contains(role));
        return await TokenAsync(user.Username, user.Password);
    }

    public async Task<string> TokenAsync(string username, string password)
    {
        using var http = Http();
        return await Engine.SignInAsync(http, username, password);
    }

    /// <summary>A real MQTT 5 client logged in as the device.</summary>
    public Task<IMqttClient> ConnectDeviceAsync(DeviceRecord device, CancellationToken cancellationToken = default) =>
        ConnectAsync(device.Id, device.Secret, cancellationToken);

    /// <summary>A real MQTT 5 client logged in with these credentials (a device's id and secret).</summary>
    public async Task<IMqttClient> ConnectAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            await client.ConnectAsync(
                new MqttClientOptionsBuilder()
                    .WithTcpServer("127.0.0.1", MqttPort)
                    .WithClientId($"{username}-{Guid.NewGuid():N}")
                    .WithCredentials(username, password)
                    .WithProtocolVersion(MqttProtocolVersion.V500)
                    .WithTimeout(TimeSpan.FromSeconds(15))
                    .Build(),
                cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _process = null;
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it is not.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task WaitHealthyAsync(Process process)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                Ended();
                throw new InvalidOperationException($"The engine exited with code {process.ExitCode} while starting. Its log ends:\n{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Capture($"===== healthy after {watch.Elapsed.TotalSeconds:0.0} s");
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        await KillAsync();
        throw new TimeoutException($"GET /health did not answer 200 within {StartTimeout.TotalSeconds:0} s. The engine's log ends:\n{Tail()}");
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
            _logFile?.WriteLine(line);
        }
    }

    private void OpenLogFile()
    {
        lock (_gate)
        {
            _logFile?.Dispose();
            var folder = Path.Combine(AppContext.BaseDirectory, "reliability-logs");
            Directory.CreateDirectory(folder);
            LogFile = Path.Combine(folder, $"{_name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{_starts}.log");
            _logFile = new StreamWriter(LogFile, append: false) { AutoFlush = true };
        }
    }

    /// <summary>The process is gone: its output has been read to the end, so the log file can close.</summary>
    private void Ended()
    {
        Running.TryRemove(this, out _);
        if (_process is { HasExited: true } process)
        {
            // Waits for the redirected streams to be read to their end.
            process.WaitForExit();
        }

        lock (_gate)
        {
            _logFile?.Dispose();
            _logFile = null;
        }
    }

    private void KillNow()
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static readonly Lazy<string> SiloAssembly = new(() => BuiltProgram("Silo", "CityOps.Silo.dll"));

    private static readonly Lazy<string> GatewayAssembly = new(() => BuiltProgram("DeviceGateway", "CityOps.DeviceGateway.dll"));

    private static readonly Lazy<string> DashboardAssembly = new(() => BuiltProgram("DashboardHost", "CityOps.DashboardHost.dll"));

    /// <summary>
    /// The program as src/{project} builds it, for the test's own configuration; the copy in the test's
    /// output folder (the project reference) when that is missing.
    /// </summary>
    private static string BuiltProgram(string project, string assembly)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent?.Name ?? "Release");
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CityOps.slnx")))
            {
                var built = Path.Combine(dir.FullName, "src", project, "bin", configuration, framework, assembly);
                if (File.Exists(built))
                {
                    return built;
                }

                break;
            }
        }

        var copied = Path.Combine(output.FullName, assembly);
        return File.Exists(copied) && File.Exists(Path.ChangeExtension(copied, ".runtimeconfig.json"))
            ? copied
            : throw new InvalidOperationException($"{assembly} was found neither under src/{project}/bin/{configuration}/{framework} nor in {output.FullName}; build src/{project} first.");
    }

    /// <summary>The dotnet host running the tests, so the engine runs on the same runtime.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int FreePort() => Engine.FreePort();
}

/// <summary>
/// The reliability tests run one at a time and alone: each starts a whole engine, most with the
/// simulator's 5,000 devices, which is the machine's capacity.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityTests
{
    public const string Name = "reliability";
}
