using System.Collections.Concurrent;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests;

/// <summary>Stands where the MQTT gateway delivers commands in the engine, and remembers each delivery.</summary>
public sealed class RecordingCommandSender : IDeviceCommandSender
{
    private readonly ConcurrentQueue<(string DeviceId, DeviceCommand Command)> _sent = new();

    public IReadOnlyList<DeviceCommand> SentTo(string deviceId) =>
        [.. _sent.Where(s => s.DeviceId == deviceId).Select(s => s.Command)];

    public Task SendAsync(string deviceId, DeviceCommand command, CancellationToken cancellationToken)
    {
        _sent.Enqueue((deviceId, command));
        return Task.CompletedTask;
    }
}
