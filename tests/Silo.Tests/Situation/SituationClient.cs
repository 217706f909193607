using System.Text.Json;
using System.Threading.Channels;
using CityOps.Silo.Tests.Hosting;
using Microsoft.AspNetCore.SignalR.Client;

namespace CityOps.Silo.Tests.Situation;

/// <summary>A .NET SignalR client of the situation hub that keeps every frame it receives, in order.</summary>
public sealed class SituationClient : IAsyncDisposable
{
    private readonly Channel<Frame> _frames = Channel.CreateUnbounded<Frame>();

    private SituationClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<JsonElement>("Snapshot", f => _frames.Writer.TryWrite(new Frame("Snapshot", f)));
        connection.On<JsonElement>("Delta", f => _frames.Writer.TryWrite(new Frame("Delta", f)));
    }

    public HubConnection Connection { get; }

    public static Task<SituationClient> ConnectAsync(Engine engine, string token) => ConnectAsync(engine.BaseAddress, token);

    public static async Task<SituationClient> ConnectAsync(Uri host, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host, "/hubs/situation"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var client = new SituationClient(connection);
        await connection.StartAsync();
        return client;
    }

    public Task SubscribeAsync(string region) => Connection.InvokeAsync("Subscribe", region);

    /// <summary>The next frame that matches, skipping the others; fails after a generous wait.</summary>
    public async Task<Frame> NextAsync(Func<Frame, bool> match, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var frame = await _frames.Reader.ReadAsync(timeout.Token);
                if (match(frame))
                {
                    return frame;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No frame with {what} arrived.");
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    public sealed record Frame(string Type, JsonElement Body)
    {
        public long Seq => Body.GetProperty("seq").GetInt64();

        public IEnumerable<JsonElement> Items(string list) => Body.GetProperty(list).EnumerateArray();

        public bool NamesDevice(string id) => Items("devices").Any(d => d.GetProperty("id").GetString() == id);

        public JsonElement Device(string id) => Items("devices").Single(d => d.GetProperty("id").GetString() == id);
    }
}
