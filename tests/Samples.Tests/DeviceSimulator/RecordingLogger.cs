using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CityOps.Samples.Tests.DeviceSimulator;

/// <summary>Keeps what was logged, so a test can wait for the simulator to have done something it only logs.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    public IReadOnlyCollection<(LogLevel Level, string Message)> Entries => _entries;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _entries.Enqueue((logLevel, formatter(state, exception)));
    }

    public async Task WaitForAsync(Func<(LogLevel Level, string Message), bool> match)
    {
        using var expiry = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        while (!_entries.Any(match))
        {
            await Task.Delay(20, expiry.Token);
        }
    }
}
