using Microsoft.Extensions.Hosting;

namespace CityOps.DeviceGateway;

internal static class Program
{
    private static async Task Main(string[] args) => await GatewayProgram.Build(args).RunAsync();
}
