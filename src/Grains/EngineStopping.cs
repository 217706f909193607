using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CityOps.Grains;

/// <summary>
/// Whether the engine has begun to stop. Grains then call no other grain from their timers: grains
/// that are not active cannot be placed on a stopping silo, and what the timer would have sent stays
/// stored for the start-up recovery (docs/reliability.md).
/// </summary>
public static class EngineStopping
{
    public static bool Began(IServiceProvider services) =>
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.IsCancellationRequested == true;
}
