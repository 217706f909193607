namespace CityOps.Grains.Interfaces.Events;

/// <summary>How urgent an event's category is (the catalogue's <c>urgency</c>: normal, urgent, emergency).</summary>
public enum EventUrgency
{
    Normal,
    Urgent,
    Emergency,
}
