namespace CityOps.Grains.Tests;

/// <summary>Retries an assertion until it holds, for effects that arrive on grain timers.</summary>
public static class Eventually
{
    public static async Task Async(Func<Task> assertion, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
