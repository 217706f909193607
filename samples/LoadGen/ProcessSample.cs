using System.Globalization;

namespace CityOps.Samples.LoadGen;

/// <summary>A process's CPU time, resident memory and threads, read from Linux's <c>/proc</c>.</summary>
public sealed record ProcessSample(double CpuSeconds, long RssBytes, int Threads)
{
    /// <summary>Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every common platform.</summary>
    private const double TicksPerSecond = 100;

    public static ProcessSample? Read(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid}/stat"), File.ReadAllText($"/proc/{pid}/status"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>From the texts of <c>/proc/PID/stat</c> (utime and stime, fields 14 and 15) and <c>/proc/PID/status</c> (VmRSS, Threads).</summary>
    public static ProcessSample Parse(string stat, string status)
    {
        ArgumentNullException.ThrowIfNull(stat);
        ArgumentNullException.ThrowIfNull(status);

        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long rssKb = 0;
        var threads = 0;
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rssKb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return new ProcessSample(ticks / TicksPerSecond, rssKb * 1024, threads);
    }

    /// <summary>CPU used between two samples, in % of one core.</summary>
    public static double CpuPercent(ProcessSample before, ProcessSample after, TimeSpan between)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return between <= TimeSpan.Zero ? 0 : (after.CpuSeconds - before.CpuSeconds) / between.TotalSeconds * 100;
    }
}
