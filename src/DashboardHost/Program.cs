using Microsoft.Extensions.Hosting;

namespace CityOps.DashboardHost;

internal static class Program
{
    private static async Task Main(string[] args) => await DashboardProgram.Build(args).RunAsync();
}
