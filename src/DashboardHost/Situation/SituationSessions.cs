using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CityOps.Grains.Interfaces.Situation;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.DashboardHost.Situation;

/// <summary>
/// The situation hub's connected clients in this host, and the observer the districts' feeds call:
/// a batch is handed to each client's buffer and the call returns, so the feed never waits on a client.
/// Exports how many clients there are, how many have a frame in flight and how many were abandoned.
/// </summary>
public sealed class SituationSessions : ISituationObserver, IAsyncDisposable
{
    public const string MeterName = "CityOps.Situation";

    private readonly ConcurrentDictionary<string, SituationSession> _sessions = new(StringComparer.Ordinal);
    private readonly IHubContext<SituationHub> _hub;
    private readonly SituationSnapshots _snapshots;
    private readonly SituationOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Counter<long> _abandoned;
    private readonly AssignmentNotices _assignments;

    public SituationSessions(
        IHubContext<SituationHub> hub, SituationSnapshots snapshots, IOptions<SituationOptions> options, TimeProvider clock, ILoggerFactory loggers, IMeterFactory meters,
        AssignmentNotices assignments)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(meters);
        _hub = hub;
        _assignments = assignments;
        _snapshots = snapshots;
        _options = options.Value;
        _clock = clock;
        _logger = loggers.CreateLogger<SituationSession>();
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("cityops_situation_clients", () => _sessions.Count, description: "Clients of the situation hub with a subscription");
        meter.CreateObservableGauge("cityops_situation_clients_sending", () => Sending, description: "Clients with a frame on its way to them; one that stays is stalled");
        _abandoned = meter.CreateCounter<long>("cityops_situation_clients_abandoned", description: "Clients disconnected for not taking a frame within the send timeout");
    }

    /// <summary>How many clients have a frame on its way to them right now.</summary>
    public int Sending => _sessions.Values.Count(s => s.IsSending);

    /// <summary>The connection's session, created on its first subscription.</summary>
    public SituationSession Open(string connectionId, Action abort) => _sessions.GetOrAdd(connectionId, id =>
    {
        var session = new SituationSession(
            id,
            (method, frame, cancellationToken) => _hub.Clients.Client(id).SendAsync(method, frame, cancellationToken),
            abort,
            _snapshots.ReadKpisAsync,
            _options,
            _clock,
            _logger);
        session.Abandoned += () => _abandoned.Add(1);
        return session;
    });

    public async Task CloseAsync(string connectionId)
    {
        if (_sessions.TryRemove(connectionId, out var session))
        {
            await session.DisposeAsync();
        }
    }

    public Task OnChanges(SituationChanges changes)
    {
        _assignments.Offer(changes);
        foreach (var session in _sessions.Values)
        {
            session.Offer(changes);
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys)
        {
            await CloseAsync(id);
        }
    }
}
