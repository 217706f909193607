namespace CityOps.Grains.Interfaces.Devices;

/// <summary>Where a downlink command stands.</summary>
public enum CommandState
{
    /// <summary>Published to the device; no answer yet.</summary>
    Sent,

    /// <summary>Published again after no answer within the timeout.</summary>
    Retried,

    /// <summary>The device answered ok.</summary>
    Acknowledged,

    /// <summary>The device answered with an error.</summary>
    Failed,

    /// <summary>No answer after every attempt.</summary>
    TimedOut,
}

/// <summary>A command sent to a device (setLight, broadcast, cameraPreset) and what became of it.</summary>
/// <param name="Args">The command's arguments as a JSON object, passed to the device as they are.</param>
[GenerateSerializer, Immutable]
public sealed record DeviceCommand(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Args,
    [property: Id(3)] CommandState State,
    [property: Id(4)] int Attempts,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? AnsweredAt,
    [property: Id(7)] string? Error,
    [property: Id(8)] string RequestedBy);

/// <summary>
/// Delivers commands to devices; implemented by the device gateway that holds their connections.
/// </summary>
public interface IDeviceCommandSender
{
    Task SendAsync(string deviceId, DeviceCommand command, CancellationToken cancellationToken);
}
