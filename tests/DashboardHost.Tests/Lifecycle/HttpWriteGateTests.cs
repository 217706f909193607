using CityOps.DashboardHost.Lifecycle;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityOps.DashboardHost.Tests.Lifecycle;

/// <summary>The HTTP side of an ordered stop: writes are refused from the first moment of stopping, reads go on, running writes finish.</summary>
public sealed class HttpWriteGateTests
{
    [Fact]
    public async Task Once_the_engine_begins_to_stop_a_write_is_refused_with_503_and_retry_after()
    {
        var (gate, lifetime) = await StartedGateAsync();
        lifetime.BeginStopping();
        var post = Request(HttpMethods.Post);
        var reached = false;

        await gate.InvokeAsync(post, _ => { reached = true; return Task.CompletedTask; });

        reached.Should().BeFalse();
        post.Response.StatusCode.Should().Be(StatusCodes.Status503ServiceUnavailable);
        post.Response.Headers.RetryAfter.ToString().Should().Be("5");
    }

    [Fact]
    public async Task Reads_are_served_while_the_engine_stops()
    {
        var (gate, lifetime) = await StartedGateAsync();
        lifetime.BeginStopping();
        var reached = false;

        await gate.InvokeAsync(Request(HttpMethods.Get), _ => { reached = true; return Task.CompletedTask; });

        reached.Should().BeTrue();
    }

    [Fact]
    public async Task A_stop_waits_for_a_write_already_running()
    {
        var (gate, lifetime) = await StartedGateAsync();
        var release = new TaskCompletionSource();
        var write = gate.InvokeAsync(Request(HttpMethods.Post), _ => release.Task);
        lifetime.BeginStopping();

        var stop = gate.StopAsync(CancellationToken.None);
        await Task.Delay(200);
        stop.IsCompleted.Should().BeFalse("a write is still running");

        release.SetResult();
        await write;
        await stop.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static async Task<(HttpWriteGate Gate, StoppingLifetime Lifetime)> StartedGateAsync()
    {
        var lifetime = new StoppingLifetime();
        var gate = new HttpWriteGate(lifetime, NullLogger<HttpWriteGate>.Instance);
        await gate.StartAsync(CancellationToken.None);
        return (gate, lifetime);
    }

    private static DefaultHttpContext Request(string method) => new()
    {
        Request = { Method = method, Path = "/api/events" },
        Response = { Body = new MemoryStream() },
        RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
    };

    private sealed class StoppingLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void BeginStopping() => _stopping.Cancel();

        public void StopApplication() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }
}
