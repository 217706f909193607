using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>The demo sign-ins the banner prints: on loopback, and only those still in force.</summary>
public class StartupBannerTests
{
    [Fact]
    public async Task The_banner_prints_the_demo_passwords_still_in_force_and_not_one_that_was_reset()
    {
        var first = new BannerCapture();
        await using var engine = await Engine.StartAsync(services: first.Register);
        var before = await first.BannerAsync();
        using (var admin = engine.Http(await engine.TokenAsync("admin")))
        {
            (await admin.PostAsJsonAsync("/api/admin/users/operator/password", new { password = "Quiet-river-7731" })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        await engine.StopAsync();
        var second = new BannerCapture();
        await using var again = await Engine.StartAsync(services: second.Register, prepareData: data => Copy(engine.DataPath, data));
        var after = await second.BannerAsync();

        SignInLines(before).Should().Contain(l => l.StartsWith("operator ", StringComparison.Ordinal) && l.Contains("Operator#2026", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("admin ", StringComparison.Ordinal));
        SignInLines(after).Should().NotContain(l => l.StartsWith("operator ", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("operator.jiangbei ", StringComparison.Ordinal)).And.Contain(l => l.StartsWith("admin ", StringComparison.Ordinal));
    }

    private static List<string> SignInLines(string banner) => [.. banner.Split('\n').Select(l => l.Trim())];

    private static void Copy(string from, string to)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>Keeps what the start-up banner logs.</summary>
    private sealed class BannerCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public void Register(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(this);

        public async Task<string> BannerAsync()
        {
            for (var waited = 0; waited < 100; waited++)
            {
                if (_lines.FirstOrDefault(l => l.Contains("City operations engine is running", StringComparison.Ordinal)) is { } banner)
                {
                    return banner;
                }

                await Task.Delay(100);
            }

            throw new TimeoutException("The banner was not printed within 10 s.");
        }

        public ILogger CreateLogger(string categoryName) =>
            categoryName.EndsWith("StartupBanner", StringComparison.Ordinal) ? new Capture(_lines) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }

        private sealed class Capture(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
