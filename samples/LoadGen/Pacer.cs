using System.Diagnostics;

namespace CityOps.Samples.LoadGen;

/// <summary>
/// Keeps an open-loop schedule of <c>rate</c> publishes a second: every millisecond or so it fires those that
/// are due, whether or not earlier ones were answered (a city's devices do not wait for each other). When
/// <see cref="PublishDesk.InFlight"/> reaches the cap the schedule waits, and the publishes it could not send
/// on time are counted as <see cref="Behind"/>.
/// </summary>
public sealed class Pacer(double rate, long maxInFlight)
{
    private long _behind;

    /// <summary>Publishes the schedule had due but held back because too many awaited an answer.</summary>
    public long Behind => Interlocked.Read(ref _behind);

    /// <summary>How many publishes are due <paramref name="elapsed"/> after the start.</summary>
    public static long DueBy(double rate, TimeSpan elapsed) => (long)Math.Floor(rate * elapsed.TotalSeconds);

    /// <summary>Calls <paramref name="fire"/> with the count of publishes so far, on schedule, until <paramref name="end"/>.</summary>
    public async Task RunAsync(Func<long, bool> fire, PublishDesk desk, TimeSpan end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fire);
        ArgumentNullException.ThrowIfNull(desk);
        var watch = Stopwatch.StartNew();
        long fired = 0;
        long lastBehind = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var elapsed = watch.Elapsed;
            if (elapsed >= end)
            {
                break;
            }

            var due = DueBy(rate, elapsed);
            while (fired < due && desk.InFlight < maxInFlight)
            {
                if (fire(fired))
                {
                    fired++;
                }
                else
                {
                    break;
                }
            }

            var behind = due - fired;
            if (behind > lastBehind)
            {
                Interlocked.Add(ref _behind, behind - lastBehind);
            }

            lastBehind = behind;
            await Task.Delay(1, CancellationToken.None);
        }
    }
}
