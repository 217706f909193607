using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grid;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace CityOps.DashboardHost.Situation;

/// <summary>
/// The live situation stream (<c>/hubs/situation</c>, docs/architecture.md, Contracts). A client calls
/// <see cref="Subscribe"/> with a region code inside its regions; it then receives
/// <c>Snapshot</c> once and <c>Delta</c> frames (see <see cref="SituationFrame"/>), whose cases are
/// only those its user may see (<see cref="CaseScope"/>). Subscribing
/// again replaces the subscription; a new connection starts with a fresh snapshot.
/// </summary>
[Authorize(Policy = AccessPolicies.Viewer)]
public sealed partial class SituationHub(
    SituationSessions sessions,
    SituationSnapshots snapshots,
    GridRegistry grid,
    IAuthorizationService authorization,
    CaseScope scope,
    ILogger<SituationHub> logger) : Hub
{
    public const string Path = "/hubs/situation";

    public async Task Subscribe(string regionCode)
    {
        if (string.IsNullOrWhiteSpace(regionCode) || GridCodes.LevelOf(regionCode) is not { } level || level == GridLevel.Cell)
        {
            throw new HubException($"'{regionCode}' is not a region code: give a city, district, street or community code.");
        }

        if (grid.Current.Region(regionCode) is null)
        {
            throw new HubException($"No region '{regionCode}'.");
        }

        if (!await authorization.CanAccessAsync(Context.User!, new ScopedResource(regionCode)))
        {
            throw new HubException($"Region '{regionCode}' is outside your regions.");
        }

        // The token's claims hold for the whole connection, so the viewer is judged once per subscription.
        var viewer = CaseViewers.From(Context.User!);
        var session = sessions.Open(Context.ConnectionId, Context.Abort);
        session.Start(regionCode, SituationBuffer.ShowsAllDevices(level), summary => scope.Allows(viewer, summary));
        try
        {
            session.SetSnapshot(await snapshots.BuildAsync(regionCode, viewer, Context.ConnectionAborted));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            session.Stop();
            LogSnapshotFailed(e, regionCode);
            throw new HubException($"The situation of '{regionCode}' could not be read; subscribe again.");
        }
    }

    /// <summary>Every connection hears its own user's <see cref="AssignmentNotices"/>, subscribed to a region or not (a phone is not).</summary>
    public override async Task OnConnectedAsync()
    {
        if (Context.User?.FindFirst("sub")?.Value is { } username)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, AssignmentNotices.GroupOf(username));
        }

        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await sessions.CloseAsync(Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot of region {Region} failed")]
    private partial void LogSnapshotFailed(Exception e, string region);
}
