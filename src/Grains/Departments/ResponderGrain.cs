using CityOps.Grains.Interfaces.Departments;

namespace CityOps.Grains.Departments;

/// <summary>
/// A responder's duty and last position; each report is passed on to the department's roster.
/// Duty changes are written at once, positions alone at most once per <see cref="DepartmentGrain.FlushDelay"/>.
/// </summary>
public sealed class ResponderGrain([PersistentState("responder", "Default")] IPersistentState<ResponderState> state, TimeProvider clock)
    : Grain, IResponderGrain
{
    private DeferredWrite? _deferred;

    private DeferredWrite Deferred => _deferred ??= new(this, state.WriteStateAsync, DepartmentGrain.FlushDelay);

    public async Task ReportDuty(ResponderDuty duty)
    {
        ArgumentNullException.ThrowIfNull(duty);
        ArgumentException.ThrowIfNullOrEmpty(duty.Department);
        var username = this.GetPrimaryKeyString();
        if (duty.OnDuty && (duty.Longitude is null || duty.Latitude is null))
        {
            throw new ArgumentException("A responder going on duty must say where they are.", nameof(duty));
        }

        var current = state.State;
        if (current.OnDuty && current.Department is { } previous && previous != duty.Department)
        {
            await GrainFactory.GetGrain<IDepartmentGrain>(previous).ResponderOffDuty(username);
        }

        if (duty is { Longitude: { } lon, Latitude: { } lat })
        {
            current.Position = new ResponderPosition(username, lon, lat, clock.GetUtcNow());
        }

        var department = GrainFactory.GetGrain<IDepartmentGrain>(duty.Department);
        if (duty.OnDuty)
        {
            await department.ResponderOnDuty(current.Position!);
        }
        else
        {
            await department.ResponderOffDuty(username);
        }

        var dutyChanged = current.OnDuty != duty.OnDuty || current.Department != duty.Department;
        current.Department = duty.Department;
        current.OnDuty = duty.OnDuty;
        if (dutyChanged)
        {
            Deferred.Cancel();
            await state.WriteStateAsync();
        }
        else
        {
            Deferred.Schedule();
        }
    }

    public ValueTask<ResponderStatus> GetStatus() => ValueTask.FromResult(
        new ResponderStatus(this.GetPrimaryKeyString(), state.State.Department, state.State.OnDuty, state.State.Position));

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await Deferred.FlushIfPendingAsync(cancellationToken);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }
}

[GenerateSerializer]
public sealed class ResponderState
{
    [Id(0)] public string? Department { get; set; }
    [Id(1)] public bool OnDuty { get; set; }
    [Id(2)] public ResponderPosition? Position { get; set; }
}
