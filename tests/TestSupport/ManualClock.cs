namespace CityOps.TestSupport;

/// <summary>
/// A clock the test moves by hand, so deadlines expire and windows pass without waiting (on a test cluster,
/// or while a whole engine is stopped). Compiled into each test project that needs it (see its .csproj).
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
