using Orleans.Runtime;

namespace CityOps.Silo.Tests.Storage;

/// <summary>The state the probe grain keeps in the "Default" storage provider.</summary>
[GenerateSerializer]
public sealed class ProbeState
{
    [Id(0)]
    public string? Value { get; set; }

    [Id(1)]
    public int Writes { get; set; }
}

/// <summary>A small grain that exercises grain storage and reminders in the storage tests.</summary>
public interface IStorageProbeGrain : IGrainWithStringKey
{
    Task SetValueAsync(string value);

    Task<string?> GetValueAsync();

    Task ClearAsync();

    /// <summary>Deactivates after this call, so the next call reads the state from storage again.</summary>
    Task DeactivateAsync();

    Task RegisterReminderAsync(string name);

    Task UnregisterReminderAsync(string name);

    Task<bool> HasReminderAsync(string name);
}

public sealed class StorageProbeGrain(
    [PersistentState("probe", StorageProbeGrain.StorageName)] IPersistentState<ProbeState> state)
    : Grain, IStorageProbeGrain, IRemindable
{
    public const string StorageName = "Default";

    public async Task SetValueAsync(string value)
    {
        state.State.Value = value;
        state.State.Writes++;
        await state.WriteStateAsync();
    }

    public Task<string?> GetValueAsync() => Task.FromResult(state.State.Value);

    public Task ClearAsync() => state.ClearStateAsync();

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task RegisterReminderAsync(string name) =>
        this.RegisterOrUpdateReminder(name, dueTime: TimeSpan.FromMinutes(10), period: TimeSpan.FromMinutes(10));

    public async Task UnregisterReminderAsync(string name)
    {
        var reminder = await this.GetReminder(name);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<bool> HasReminderAsync(string name) => await this.GetReminder(name) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
