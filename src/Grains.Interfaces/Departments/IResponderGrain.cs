namespace CityOps.Grains.Interfaces.Departments;

/// <summary>What a field responder's phone reports: going on or off duty, and where they are.</summary>
/// <param name="Longitude">WGS 84; required while on duty.</param>
[GenerateSerializer, Immutable]
public sealed record ResponderDuty(
    [property: Id(0)] string Department,
    [property: Id(1)] bool OnDuty,
    [property: Id(2)] double? Longitude,
    [property: Id(3)] double? Latitude);

/// <summary>Where a responder was last seen.</summary>
[GenerateSerializer, Immutable]
public sealed record ResponderPosition(
    [property: Id(0)] string Username,
    [property: Id(1)] double Longitude,
    [property: Id(2)] double Latitude,
    [property: Id(3)] DateTimeOffset At);

[GenerateSerializer, Immutable]
public sealed record ResponderStatus(
    [property: Id(0)] string Username,
    [property: Id(1)] string? Department,
    [property: Id(2)] bool OnDuty,
    [property: Id(3)] ResponderPosition? Position);

/// <summary>A field responder (处置人员), keyed by username; keeps its department's roster of who is on duty where.</summary>
public interface IResponderGrain : IGrainWithStringKey
{
    Task ReportDuty(ResponderDuty duty);

    ValueTask<ResponderStatus> GetStatus();
}
