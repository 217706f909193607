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
    /// <summary>
    /// True once the engine has begun to stop, and after its services are disposed: a timer that fires as the
    /// process ends asks too, and must learn that the engine has stopped rather than throw on a thread of its own.
    /// </summary>
    public static bool Began(IServiceProvider services)
    {
        try
        {
            return services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.IsCancellationRequested == true;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }
}
