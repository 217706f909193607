using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;

namespace CityOps.Samples.LoadGen;

/// <summary>
/// A dashboard inside the generator: signs in, subscribes to a street on <c>/hubs/situation</c> (a street view
/// carries every device's values) and, for each device in a <c>Delta</c>, times now − its <c>benchSentMs</c>:
/// publish → dashboard frame. A device whose reading did not change since its previous frame is not counted again.
/// </summary>
public sealed class DashboardProbe : IAsyncDisposable
{
    private readonly Dictionary<string, long> _lastSent = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private HubConnection? _connection;
    private volatile bool _recording;
    private long _frames;
    private long _deltaDevices;
    private long _snapshotDevices;

    public DashboardProbe(string region) => Region = region;

    public string Region { get; }

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Why the probe could not run, when it could not.</summary>
    public string? Problem { get; private set; }

    public async Task StartAsync(Uri http, string user, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        try
        {
            using var client = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(30) };
            using var response = await client.PostAsJsonAsync("/api/auth/token", new { username = user, password }, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Problem = $"sign-in as {user} refused: {(int)response.StatusCode} {response.ReasonPhrase}";
                return;
            }

            var token = (await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken))?.AccessToken;
            if (string.IsNullOrEmpty(token))
            {
                Problem = "sign-in answered without a token";
                return;
            }

            _connection = new HubConnectionBuilder()
                .WithUrl(new Uri(http, "/hubs/situation"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            _connection.On<JsonElement>("Snapshot", OnSnapshot);
            _connection.On<JsonElement>("Delta", OnDelta);
            _connection.Closed += e =>
            {
                Problem ??= $"the hub closed the connection{(e is null ? "" : $": {e.Message}")}";
                return Task.CompletedTask;
            };
            await _connection.StartAsync(cancellationToken);
            await _connection.InvokeAsync("Subscribe", Region, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or Microsoft.AspNetCore.SignalR.HubException or InvalidOperationException or JsonException or IOException or TaskCanceledException)
        {
            Problem = $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>From now on frames are timed.</summary>
    public void Record() => _recording = true;

    public void Pause() => _recording = false;

    public ProbeFigures Figures() => new(
        Region,
        Interlocked.Read(ref _frames),
        Interlocked.Read(ref _snapshotDevices),
        Interlocked.Read(ref _deltaDevices),
        Latency.Summary(),
        Problem);

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    private void OnSnapshot(JsonElement frame)
    {
        Interlocked.Increment(ref _frames);
        if (frame.TryGetProperty("devices", out var devices) && devices.ValueKind == JsonValueKind.Array)
        {
            Interlocked.Add(ref _snapshotDevices, devices.GetArrayLength());
        }
    }

    private void OnDelta(JsonElement frame)
    {
        var now = DateTimeOffset.UtcNow;
        Interlocked.Increment(ref _frames);
        if (!frame.TryGetProperty("devices", out var devices) || devices.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var device in devices.EnumerateArray())
        {
            if (!device.TryGetProperty("values", out var values)
                || !values.TryGetProperty(BenchPayloads.Metric, out var sentValue)
                || !sentValue.TryGetDouble(out var sentDouble)
                || !device.TryGetProperty("id", out var idValue)
                || idValue.GetString() is not { } id)
            {
                continue;
            }

            var sent = (long)sentDouble;
            lock (_gate)
            {
                if (_lastSent.TryGetValue(id, out var previous) && previous == sent)
                {
                    continue;
                }

                _lastSent[id] = sent;
            }

            Interlocked.Increment(ref _deltaDevices);
            if (_recording)
            {
                Latency.Record(BenchPayloads.AgeMs(sent, now) * 1000);
            }
        }
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string? AccessToken);
}

/// <summary>The dashboard probe's frames, device entries and publish → frame latency.</summary>
public sealed record ProbeFigures(string Region, long Frames, long SnapshotDevices, long DeltaReadings, LatencySummary Latency, string? Problem);
