using Microsoft.Extensions.Logging;

namespace CityOps.Samples.DeviceSimulator;

/// <summary>
/// Warnings at a bounded rate: when the broker goes away thousands of devices fail at once, and one line per
/// interval with a count of the rest says as much as thousands of lines.
/// </summary>
internal sealed class BoundedLog(ILogger logger, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _nextAllowed = DateTimeOffset.MinValue;
    private int _suppressed;

    public void Warn(string deviceId, string problem)
    {
        int suppressed;
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            if (now < _nextAllowed)
            {
                _suppressed++;
                return;
            }

            _nextAllowed = now + interval;
            suppressed = _suppressed;
            _suppressed = 0;
        }

        logger.LogWarning(
            "Simulated device {DeviceId}: {Problem} ({Suppressed} similar warnings suppressed)", deviceId, problem, suppressed);
    }
}
