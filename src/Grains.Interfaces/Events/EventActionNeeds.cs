namespace CityOps.Grains.Interfaces.Events;

/// <summary>What an action needs in its request besides a permitted actor.</summary>
[Flags]
public enum ActionNeeds
{
    None = 0,
    Reason = 1,

    /// <summary>An approver holding one of the lifecycle's approver roles (operator, admin).</summary>
    Approval = 2,
    Department = 4,
    PrimaryEvent = 8,
}

/// <summary>
/// What each action's request must carry: the lifecycle's rule (EventLifecycle in src/Grains/Events), and the
/// list the pages read from <c>GET /api/domain</c> to mark a reason as required.
/// </summary>
public static class EventActionNeeds
{
    /// <summary>Actions not listed need nothing.</summary>
    public static IReadOnlyDictionary<EventAction, ActionNeeds> All { get; } = new Dictionary<EventAction, ActionNeeds>
    {
        [EventAction.Reject] = ActionNeeds.Reason,
        [EventAction.Dispatch] = ActionNeeds.Department,
        [EventAction.Return] = ActionNeeds.Reason,
        [EventAction.Rework] = ActionNeeds.Reason,
        [EventAction.Suspend] = ActionNeeds.Reason | ActionNeeds.Approval,
        [EventAction.Reopen] = ActionNeeds.Reason,
        [EventAction.Merge] = ActionNeeds.PrimaryEvent,
    };

    /// <summary>The actions whose request needs a reason (the audit trail records why), in the order of <see cref="EventAction"/>.</summary>
    public static IReadOnlyList<EventAction> NeedingReason { get; } =
        [.. All.Where(a => a.Value.HasFlag(ActionNeeds.Reason)).Select(a => a.Key).Order()];
}
