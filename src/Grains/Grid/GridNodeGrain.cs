using CityOps.Grains.Interfaces.Grid;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Grid;

/// <summary>
/// What cells and regions share: changes are only marked; at most once per <see cref="ReportInterval"/>
/// the node sends its full counts to its parent region and writes its state. An idle node holds no
/// timer, and a burst of changes costs one call up the tree and one write.
/// </summary>
public abstract class GridNodeGrain<TState>(IPersistentState<TState> state, TimeProvider clock, ILogger logger) : Grain
    where TState : GridNodeState
{
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(2);

    private IGrainTimer? _pendingReport;

    protected TState Node => state.State;

    protected string Code => this.GetPrimaryKeyString();

    /// <summary>The node's current counts, computed from what it holds.</summary>
    protected abstract GridCounts Count();

    protected abstract HealthLevel HealthOf(GridCounts counts);

    public ValueTask<GridSituation> GetSituation()
    {
        var counts = Count();
        return ValueTask.FromResult(new GridSituation(Code, counts, HealthOf(counts), Node.UpdatedAt));
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Changes written but not yet reported (e.g. a crash between the two) are reported now.
        if (Node.PendingReport)
        {
            ScheduleReport();
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_pendingReport is not null)
        {
            // While the silo shuts down the parent may already be gone: keep the counts and the
            // pending mark in storage, and report when this node is next activated.
            using var done = _pendingReport;
            _pendingReport = null;
            if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown || IsEngineStopping)
            {
                await state.WriteStateAsync(cancellationToken);
            }
            else
            {
                await ReportAsync(retry: false, cancellationToken);
            }
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    protected void Changed()
    {
        Node.Code = Code;
        Node.UpdatedAt = clock.GetUtcNow();
        Node.PendingReport = true;
        ScheduleReport();
    }

    /// <summary>Reports and writes a change now rather than within <see cref="ReportInterval"/>, for a caller that must know it is stored.</summary>
    protected async Task ReportNowAsync()
    {
        using var done = _pendingReport;
        _pendingReport = null;
        await ReportAsync(retry: true, CancellationToken.None);
    }

    private void ScheduleReport() =>
        _pendingReport ??= this.RegisterGrainTimer(OnReportTimerAsync, new GrainTimerCreationOptions(ReportInterval, Timeout.InfiniteTimeSpan));

    private async Task OnReportTimerAsync(CancellationToken cancellationToken)
    {
        // Disposing a timer cancels the token it passed to its callback, so it goes after the work.
        using var done = _pendingReport;
        _pendingReport = null;
        if (IsEngineStopping)
        {
            // Parents on a stopping silo cannot be reached: keep the mark, the start-up recovery reports.
            await state.WriteStateAsync(cancellationToken);
            return;
        }

        await ReportAsync(retry: true, cancellationToken);
    }

    private bool IsEngineStopping => EngineStopping.Began(ServiceProvider);

    /// <summary>Reports the counts to the parent, then writes the state, whether or not the report got through.</summary>
    private async Task ReportAsync(bool retry, CancellationToken cancellationToken)
    {
        try
        {
            if (GridCodes.ParentOf(Code) is { } parent)
            {
                await GrainFactory.GetGrain<IRegionGrain>(parent).ReportChild(Code, Count());
            }

            Node.PendingReport = false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Grid node {Code} could not report; retrying in {Interval}", Code, ReportInterval);
            if (retry)
            {
                ScheduleReport();
            }
        }

        await state.WriteStateAsync(cancellationToken);
    }
}

[GenerateSerializer]
public abstract class GridNodeState
{
    [Id(0)] public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Changes not yet sent to the parent region.</summary>
    [Id(1)] public bool PendingReport { get; set; }

    /// <summary>The node's own code, so the start-up recovery finds a node with a pending report from its stored row.</summary>
    [Id(2)] public string? Code { get; set; }
}
