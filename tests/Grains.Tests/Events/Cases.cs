using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

/// <summary>Reports and actors for case tests. Each report gets its own place, so tests never merge into each other's cases.</summary>
public sealed class Cases(IGrainFactory grains)
{
    public const string Jiangbei = "9901010010010077";
    public const string Lanxi = "9901020010010001";

    private static int _places;

    public static EventActor Operator { get; } = new("operator", [EventRole.Operator], null);

    public static EventActor Admin { get; } = new("admin", [EventRole.Admin], null);

    public static EventActor Dispatcher(string department = "water") => new($"dispatcher.{department}", [EventRole.Dispatcher], department);

    public static EventActor Responder(string department = "water", int n = 1) => new($"responder.{department}.{n}", [EventRole.Responder], department);

    public static EventActor Inspector(int n = 1) => new($"inspector.{n}", [EventRole.Responder], "urban");

    /// <summary>A point of its own, about a kilometre from every other test's.</summary>
    public static EventLocation NewPlace(string cell = Jiangbei)
    {
        var n = Interlocked.Increment(ref _places);
        return new EventLocation(114.0 + (n * 0.01), 27.6, cell);
    }

    public static EventReport Report(string category, EventLocation location, EventChannel channel = EventChannel.Operator, string reporter = "operator") =>
        new(category, location, $"{category} test report", channel, reporter, EventClusterFixture.Clock.GetUtcNow());

    public async Task<IntakeResult> IntakeAsync(EventReport report) => await grains.GetGrain<IEventIntakeGrain>(0).Report(report);

    public IUrbanEventGrain Case(string id) => grains.GetGrain<IUrbanEventGrain>(id);

    public async Task<UrbanEventView> ViewAsync(string id) => (await Case(id).Get())!;

    /// <summary>Opens a case that waits for registration (street light: normal urgency, not registered by the engine).</summary>
    public async Task<string> ReportedAsync(string category = "street_light_damaged", EventLocation? at = null) =>
        (await IntakeAsync(Report(category, at ?? NewPlace()))).EventId;

    /// <summary>Takes an action that must be allowed and returns the case afterwards.</summary>
    public async Task<UrbanEventView> ActAsync(string id, EventActor actor, EventActionRequest request)
    {
        var outcome = await Case(id).Act(actor, request);
        outcome.Refusal.Should().BeNull();
        return outcome.Event!;
    }

    /// <summary>Drives a new case to <paramref name="state"/> along the main path, with the water department handling it.</summary>
    public async Task<string> CaseInAsync(EventState state)
    {
        var id = await ReportedAsync();
        var path = new (EventState Reached, EventActor Actor, EventActionRequest Request)[]
        {
            (EventState.Registered, Operator, new(EventAction.Register)),
            (EventState.Dispatched, Dispatcher("urban"), new(EventAction.Dispatch, Department: "water")),
            (EventState.Accepted, Responder(), new(EventAction.Accept)),
            (EventState.Handled, Responder(), new(EventAction.Handle)),
            (EventState.Verified, Inspector(), new(EventAction.Verify)),
            (EventState.Closed, Operator, new(EventAction.Close)),
        };
        foreach (var (reached, actor, request) in path)
        {
            if ((await ViewAsync(id)).Summary.State == state)
            {
                break;
            }

            (await ActAsync(id, actor, request)).Summary.State.Should().Be(reached);
        }

        (await ViewAsync(id)).Summary.State.Should().Be(state);
        return id;
    }
}
