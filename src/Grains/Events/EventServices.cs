using CityOps.Grains.Interfaces.City;
using Microsoft.Extensions.Options;

namespace CityOps.Grains.Events;

/// <summary>What cases and intake need from their host.</summary>
public sealed class EventServices(CityCatalogue catalogue, IOptions<EventOptions> options, TimeProvider clock)
{
    public CityCatalogue Catalogue { get; } = catalogue;

    public EventOptions Options { get; } = options.Value;

    public TimeProvider Clock { get; } = clock;
}
