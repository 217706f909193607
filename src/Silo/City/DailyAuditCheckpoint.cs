using CityOps.Crypto;
using CityOps.Grains.Interfaces.Audit;
using CityOps.Grid;

namespace CityOps.Silo.City;

/// <summary>
/// In 国密 mode, closes each UTC day with its SM2-signed audit checkpoint (<see cref="IAuditCheckpointGrain.Close"/>): at
/// start for yesterday (a day that ended while the engine was down) and a few minutes after each midnight. Every silo runs
/// it; the day's grain signs once and the others find its checkpoint made.
/// </summary>
public sealed partial class DailyAuditCheckpoint(
    CryptoSettings crypto, GridRegistry grid, IGrainFactory grains, TimeProvider clock, ILogger<DailyAuditCheckpoint> logger) : BackgroundService
{
    /// <summary>After midnight, time for the day's last changes to reach the case indexes.</summary>
    private static readonly TimeSpan AfterMidnight = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (crypto.Mode != CryptoMode.Gm)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var yesterday = AuditDays.Of(now.AddDays(-1));
            try
            {
                var districts = grid.Current.DistrictsOf(grid.Current.City.Code);
                var checkpoint = await grains.GetGrain<IAuditCheckpointGrain>(yesterday).Close(districts);
                LogClosed(checkpoint.Day, checkpoint.Chains);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                // Storage away or the silo stopping: the next round (or the next start) signs the day.
                LogFailed(e, yesterday);
            }

            var next = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1) + AfterMidnight;
            await Task.Delay(next - now, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(LogLevel.Information, "Audit checkpoint of {Day}: {Chains} chains signed")]
    private partial void LogClosed(string day, int chains);

    [LoggerMessage(LogLevel.Error, "The audit checkpoint of {Day} could not be signed")]
    private partial void LogFailed(Exception exception, string day);
}
