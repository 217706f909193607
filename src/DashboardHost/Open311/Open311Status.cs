using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.DashboardHost.Open311;

/// <summary>
/// Our lifecycle seen through GeoReport v2: <c>open</c> or <c>closed</c>, with notes that tell a
/// caller which stage the case is at, in Chinese or English.
/// </summary>
public static class Open311Status
{
    public const string Open = "open";
    public const string Closed = "closed";

    /// <summary>The end states; a client treats each as done.</summary>
    public static IReadOnlyList<EventState> ClosedStates => EventStates.Ended;

    public static IReadOnlyList<EventState> OpenStates => EventStates.Open;

    public static string Of(EventState state) => ClosedStates.Contains(state) ? Closed : Open;

    /// <param name="department">The responsible department, when the case has one.</param>
    public static string Notes(UrbanEventView view, DepartmentRecord? department, bool english)
    {
        ArgumentNullException.ThrowIfNull(view);
        var agency = english ? department?.NameEn : department?.Name;
        return view.Summary.State switch
        {
            EventState.Reported => english ? "Received, awaiting registration" : "已受理，待立案",
            EventState.Registered => english ? "Registered, awaiting dispatch" : "已立案，待派遣",
            EventState.Dispatched => english ? $"Dispatched to {agency}" : $"已派遣至{agency}",
            EventState.Accepted => english ? $"Being handled by {agency}" : $"{agency}已接单，正在处置",
            EventState.Returned => english ? "Returned by the department, awaiting dispatch again" : "部门退回，待重新派遣",
            EventState.Handled => english ? "Handled, awaiting on-site verification" : "处置完成，待核查",
            EventState.Verified => english ? "Verified on site, awaiting closure" : "核查通过，待结案",
            EventState.Closed => english ? "Closed" : "已结案",
            // The staff's reasons are internal notes, not for the public: the stage alone is told.
            EventState.Rejected => english ? "Not accepted as a case" : "不予立案",
            EventState.Suspended => english ? "Suspended" : "挂账延期",
            EventState.Merged => english ? $"Merged into {view.MergedInto}" : $"已合并至 {view.MergedInto}",
            _ => view.Summary.State.ToString(),
        };
    }
}
