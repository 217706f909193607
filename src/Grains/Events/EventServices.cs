using CityOps.Crypto;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;
using Microsoft.Extensions.Options;

namespace CityOps.Grains.Events;

/// <summary>What cases and intake need from their host.</summary>
public sealed class EventServices(CityCatalogue catalogue, IOptions<EventOptions> options, TimeProvider clock, CryptoSettings crypto)
{
    /// <summary>Which hash new audit entries use (<c>Crypto:Mode</c>).</summary>
    public CryptoSettings Crypto { get; } = crypto;

    public CityCatalogue Catalogue { get; } = catalogue;

    public EventOptions Options { get; } = options.Value;

    public TimeProvider Clock { get; } = clock;

    /// <summary>Which cases a user may see; the index applies it to lists before their limit.</summary>
    public CaseScope Scope { get; } = new(catalogue, options.Value.InspectionDepartment);
}
