using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

/// <summary>A twin's command log, without a cluster.</summary>
public class TwinCommandsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private static readonly DeviceTwinOptions Options = new() { CommandTimeout = TimeSpan.FromSeconds(30), CommandAttempts = 2 };

    [Fact]
    public void The_log_keeps_the_newest_commands_first()
    {
        var twin = new DeviceTwinState();
        for (var i = 0; i < TwinCommands.CommandsKept + 5; i++)
        {
            TwinCommands.Add(twin, "dim", $"{{\"level\":{i}}}", "op", T0.AddSeconds(i));
        }

        twin.Commands.Should().HaveCount(TwinCommands.CommandsKept);
        twin.Commands[0].Args.Should().Be($"{{\"level\":{TwinCommands.CommandsKept + 4}}}");
    }

    [Fact]
    public void An_acknowledgement_answers_an_awaiting_command_once()
    {
        var twin = new DeviceTwinState();
        var command = TwinCommands.Add(twin, "reboot", "{}", "op", T0);

        TwinCommands.Acknowledge(twin, command.Id, ok: false, null, T0.AddSeconds(2)).Should().BeTrue();
        TwinCommands.Acknowledge(twin, command.Id, ok: true, null, T0.AddSeconds(3)).Should().BeFalse();

        twin.Commands[0].Should().BeEquivalentTo(new { State = CommandState.Failed, Error = "device reported failure" });
        TwinCommands.AnyAwaiting(twin).Should().BeFalse();
    }

    [Fact]
    public void An_unanswered_command_is_sent_again_after_the_timeout_then_times_out()
    {
        var twin = new DeviceTwinState();
        var command = TwinCommands.Add(twin, "reboot", "{}", "op", T0);

        TwinCommands.Overdue(command, T0.AddSeconds(29), Options, canResend: true).Should().BeNull();
        var retried = TwinCommands.Overdue(command, T0.AddSeconds(30), Options, canResend: true)!;
        retried.Should().BeEquivalentTo(new { State = CommandState.Retried, Attempts = 2 });

        TwinCommands.Overdue(retried, T0.AddSeconds(59), Options, canResend: true).Should().BeNull();
        TwinCommands.Overdue(retried, T0.AddSeconds(60), Options, canResend: true)!.State.Should().Be(CommandState.TimedOut);
    }

    [Fact]
    public void Without_a_gateway_an_overdue_command_times_out_at_once()
    {
        var command = TwinCommands.Add(new DeviceTwinState(), "reboot", "{}", "op", T0);

        TwinCommands.Overdue(command, T0.AddSeconds(30), Options, canResend: false)!.State.Should().Be(CommandState.TimedOut);
    }
}
