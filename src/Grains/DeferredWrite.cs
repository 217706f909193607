namespace CityOps.Grains;

/// <summary>
/// Writes a grain's state later rather than now: once per delay after a change, and whatever is
/// still pending when the grain deactivates (a clean shutdown included). Grains use it for changes
/// that may wait, such as readings and positions, so storage sees a few writes per hour, not one
/// per message.
/// </summary>
public sealed class DeferredWrite(Grain grain, Func<CancellationToken, Task> write, TimeSpan delay)
{
    private IGrainTimer? _timer;

    public bool IsPending => _timer is not null;

    public void Schedule() =>
        _timer ??= grain.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan));

    /// <summary>Forgets the pending write because the caller is writing now.</summary>
    public void Cancel()
    {
        _timer?.Dispose();
        _timer = null;
    }

    public async Task FlushIfPendingAsync(CancellationToken cancellationToken)
    {
        if (_timer is not null)
        {
            await FlushAsync(cancellationToken);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        // Disposing a timer cancels the token of its running callback, so the timer goes only after the write.
        using var done = _timer;
        _timer = null;
        await write(cancellationToken);
    }
}
