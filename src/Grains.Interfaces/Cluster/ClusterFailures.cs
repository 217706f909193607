using Orleans.Runtime;

namespace CityOps.Grains.Interfaces.Cluster;

/// <summary>
/// Failures of the cluster rather than of the request, defined once for the gateways, the HTTP API and the grains.
/// A silo that stops gracefully can still take a call placed on it just before it left; the caller then hears
/// "silo unavailable" or a rejection although nothing is wrong with the call, and the same call sent again lands
/// on a silo that stays.
/// </summary>
public static class ClusterFailures
{
    /// <summary>How long an idempotent call waits before each further attempt after its silo went away: about 4 s in all.</summary>
    public static readonly IReadOnlyList<TimeSpan> RetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    /// <summary>The call's silo went away (stopped or died) or refused the message while leaving.</summary>
    public static bool IsSiloGone(Exception exception) => exception is SiloUnavailableException or OrleansMessageRejectionException;

    /// <summary>The silo went away, or the call timed out: a failure that passes by itself.</summary>
    public static bool IsTransient(Exception exception) => IsSiloGone(exception) || exception is TimeoutException;

    /// <summary>
    /// Runs an idempotent call, sending it again after each <see cref="RetryDelays"/> step while the failure is
    /// that its silo went away; any other failure, or the last, reaches the caller.
    /// </summary>
    public static async Task<T> RetryWhileSilosLeaveAsync<T>(Func<Task<T>> call, IReadOnlyList<TimeSpan>? delays = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        delays ??= RetryDelays;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (IsSiloGone(e) && attempt < delays.Count)
            {
                await Task.Delay(delays[attempt]);
            }
        }
    }
}
