using CityOps.Grains.Interfaces.Departments;

namespace CityOps.Grains.Departments;

/// <summary>
/// Keeps the department's on-duty roster. Going on or off duty is written at once; a moving
/// responder's positions are written at most once per <see cref="FlushDelay"/>.
/// </summary>
public sealed class DepartmentGrain([PersistentState("department", "Default")] IPersistentState<DepartmentState> state)
    : Grain, IDepartmentGrain
{
    public static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(30);

    private DeferredWrite? _deferred;

    private DeferredWrite Deferred => _deferred ??= new(this, state.WriteStateAsync, FlushDelay);

    public async ValueTask ResponderOnDuty(ResponderPosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        var onDuty = state.State.OnDuty;
        if (onDuty.TryGetValue(position.Username, out var known) && known.At > position.At)
        {
            return;
        }

        onDuty[position.Username] = position;
        if (known is null)
        {
            Deferred.Cancel();
            await state.WriteStateAsync();
        }
        else
        {
            Deferred.Schedule();
        }
    }

    public async ValueTask ResponderOffDuty(string username)
    {
        if (state.State.OnDuty.Remove(username))
        {
            await state.WriteStateAsync();
        }
    }

    public ValueTask<IReadOnlyList<ResponderPosition>> GetOnDuty() =>
        ValueTask.FromResult<IReadOnlyList<ResponderPosition>>([.. state.State.OnDuty.Values.OrderBy(p => p.Username, StringComparer.Ordinal)]);

    public ValueTask<NearestResponder?> FindNearestOnDuty(double longitude, double latitude) =>
        ValueTask.FromResult(GeoDistance.Nearest(state.State.OnDuty.Values, longitude, latitude));

    public ValueTask<IReadOnlyList<NearestResponder>> RankOnDuty(double longitude, double latitude, int count) =>
        ValueTask.FromResult<IReadOnlyList<NearestResponder>>([.. GeoDistance.Rank(state.State.OnDuty.Values, longitude, latitude).Take(count)]);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await Deferred.FlushIfPendingAsync(cancellationToken);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }
}

[GenerateSerializer]
public sealed class DepartmentState
{
    [Id(0)] public Dictionary<string, ResponderPosition> OnDuty { get; set; } = [];
}
