using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

/// <summary>
/// A twin's log of downlink commands: the newest <see cref="CommandsKept"/>, each answered by the
/// device's acknowledgement, sent again after <see cref="DeviceTwinOptions.CommandTimeout"/> up to
/// <see cref="DeviceTwinOptions.CommandAttempts"/> times, then given up as timed out.
/// </summary>
public static class TwinCommands
{
    public const int CommandsKept = 50;

    /// <summary>Adds a command just sent, first in the log.</summary>
    public static DeviceCommand Add(DeviceTwinState twin, string name, string args, string requestedBy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(twin);
        var command = new DeviceCommand(Guid.NewGuid().ToString("N"), name, args, CommandState.Sent, 1, now, null, null, requestedBy);
        twin.Commands.Insert(0, command);
        if (twin.Commands.Count > CommandsKept)
        {
            twin.Commands.RemoveRange(CommandsKept, twin.Commands.Count - CommandsKept);
        }

        return command;
    }

    /// <summary>Records the device's answer; false when the command is unknown or no longer awaits one.</summary>
    public static bool Acknowledge(DeviceTwinState twin, string commandId, bool ok, string? failure, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(twin);
        var index = twin.Commands.FindIndex(c => c.Id == commandId);
        if (index < 0 || !IsAwaiting(twin.Commands[index]))
        {
            return false;
        }

        twin.Commands[index] = twin.Commands[index] with
        {
            State = ok ? CommandState.Acknowledged : CommandState.Failed,
            AnsweredAt = now,
            Error = ok ? null : failure ?? "device reported failure",
        };
        return true;
    }

    public static bool IsAwaiting(DeviceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.State is CommandState.Sent or CommandState.Retried;
    }

    public static bool AnyAwaiting(DeviceTwinState twin)
    {
        ArgumentNullException.ThrowIfNull(twin);
        return twin.HasCommands && twin.Commands.Exists(IsAwaiting);
    }

    /// <summary>
    /// What becomes of a command at <paramref name="now"/>: null while it is answered or still within
    /// its time; otherwise its next attempt (to be sent again) or, with no attempt left or no gateway to
    /// send it, its time-out.
    /// </summary>
    public static DeviceCommand? Overdue(DeviceCommand command, DateTimeOffset now, DeviceTwinOptions options, bool canResend)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(options);
        if (!IsAwaiting(command) || now - command.CreatedAt < options.CommandTimeout * command.Attempts)
        {
            return null;
        }

        return command.Attempts < options.CommandAttempts && canResend
            ? command with { State = CommandState.Retried, Attempts = command.Attempts + 1 }
            : command with { State = CommandState.TimedOut, AnsweredAt = now, Error = "no acknowledgement" };
    }
}

/// <summary>
/// A twin's downlink commands at work: sent through this process's gateway (<see cref="IDeviceCommandSender"/>),
/// each written before it is sent, and a grain timer that sends unanswered ones again and then gives them up
/// (<see cref="TwinCommands.Overdue"/>) for as long as any awaits its answer.
/// </summary>
public sealed class CommandDelivery(Grain grain, IPersistentState<DeviceTwinState> twin, DeviceTwinServices services, Func<Task> writeNow)
{
    private IGrainTimer? _timer;

    private string DeviceId => grain.GetPrimaryKeyString();

    /// <summary>On activation: watches the commands an earlier activation left unanswered.</summary>
    public void Resume()
    {
        if (TwinCommands.AnyAwaiting(twin.State))
        {
            StartTimer();
        }
    }

    public async Task<DeviceCommand> SendAsync(string name, string args, string requestedBy)
    {
        var sender = services.CommandSender
            ?? throw new InvalidOperationException("No device gateway runs in this process to deliver commands.");
        var command = TwinCommands.Add(twin.State, name, args, requestedBy, services.Clock.GetUtcNow());
        await writeNow();
        await sender.SendAsync(DeviceId, command, CancellationToken.None);
        StartTimer();
        return command;
    }

    public async Task AcknowledgeAsync(string commandId, bool ok, string? failure)
    {
        if (TwinCommands.Acknowledge(twin.State, commandId, ok, failure, services.Clock.GetUtcNow()))
        {
            await writeNow();
        }
    }

    private void StartTimer()
    {
        var period = services.Options.CommandTimeout / 4;
        _timer ??= grain.RegisterGrainTimer(
            _ => CheckAsync(),
            new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    /// <summary>Sends unanswered commands again, then gives them up as timed out.</summary>
    private async Task CheckAsync()
    {
        var now = services.Clock.GetUtcNow();
        var sender = services.CommandSender;
        var commands = twin.State.Commands;
        var changed = false;
        for (var i = 0; i < commands.Count; i++)
        {
            if (TwinCommands.Overdue(commands[i], now, services.Options, canResend: sender is not null) is not { } next)
            {
                continue;
            }

            changed = true;
            commands[i] = next;
            if (next.State == CommandState.Retried)
            {
                await sender!.SendAsync(DeviceId, next, CancellationToken.None);
            }
        }

        if (!TwinCommands.AnyAwaiting(twin.State))
        {
            _timer?.Dispose();
            _timer = null;
        }

        if (changed)
        {
            await writeNow();
        }
    }
}
