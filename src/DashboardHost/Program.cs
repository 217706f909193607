using CityOps.DashboardHost.Http;
using Microsoft.Extensions.Hosting;

namespace CityOps.DashboardHost;

internal static class Program
{
    private static async Task Main(string[] args)
    {
        if (args is [OpenApiDocumentFile.Argument, var path])
        {
            await OpenApiDocumentFile.WriteAsync(path);
            return;
        }

        await DashboardProgram.Build(args).RunAsync();
    }
}
