using CityOps.DashboardHost.Auth;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Domain;

/// <summary>The arguments' bounds of the downlink commands (<see cref="DeviceCommands"/>).</summary>
public sealed record CommandLimitsResponse(int MinLevel, int MaxLevel, int MaxScheduleChars, int MaxBroadcastChars, int MinPreset, int MaxPreset);

/// <summary>Which kind of device takes a command, and the pole module it needs (null for a kind that is itself the equipment).</summary>
public sealed record CommandRuleResponse(string Name, DeviceKind Kind, string? Module, string Needs);

/// <summary>
/// The engine's shared rules the pages follow rather than restate (docs/architecture.md, Contracts):
/// the end states of a case, the actions that need a reason, and the downlink commands with their arguments' bounds
/// and the roles that may send them.
/// </summary>
public sealed record DomainRulesResponse(
    IReadOnlyList<EventState> EndStates,
    IReadOnlyList<EventAction> ActionsNeedingReason,
    IReadOnlyList<string> Commands,
    IReadOnlyList<CommandRuleResponse> CommandRules,
    CommandLimitsResponse CommandLimits,
    IReadOnlyList<string> CommandRoles)
{
    /// <summary>
    /// The rules from their one home each: <see cref="EventStates"/>, <see cref="EventActionNeeds"/>, <see cref="DeviceCommands"/>,
    /// <see cref="AccessPolicies.OperatorRoles"/>.
    /// </summary>
    public static DomainRulesResponse Current { get; } = new(
        EventStates.Ended,
        EventActionNeeds.NeedingReason,
        DeviceCommands.Names,
        [.. DeviceCommands.Definitions.Select(d => new CommandRuleResponse(d.Name, d.Kind, d.Module, d.Needs))],
        new CommandLimitsResponse(
            DeviceCommands.MinLevel, DeviceCommands.MaxLevel, DeviceCommands.MaxScheduleChars, DeviceCommands.MaxBroadcastChars,
            DeviceCommands.MinPreset, DeviceCommands.MaxPreset),
        AccessPolicies.OperatorRoles);
}

public static class DomainApi
{
    public static void MapDomainApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/domain", GetRules).WithTags("Domain").RequireAuthorization(AccessPolicies.Viewer)
            .WithSummary("The shared rules the pages follow: a case's end states, the actions that need a reason, the downlink commands and their arguments' bounds");
    }

    private static Ok<DomainRulesResponse> GetRules() => TypedResults.Ok(DomainRulesResponse.Current);
}
