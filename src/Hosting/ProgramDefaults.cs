using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace CityOps.Hosting;

/// <summary>
/// The settings a gateway or dashboard host starts with when nothing else says otherwise: its own HTTP
/// address and the silo's log levels and one-line console format (src/Silo/appsettings.json). They go
/// underneath every other source, so command-line arguments and environment variables win. These
/// programs ship no appsettings.json of their own, because the silo carries theirs in its output folder.
/// </summary>
public static class ProgramDefaults
{
    public static void Apply(WebApplicationBuilder builder, string urls)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                [HttpEndpoints.UrlsSetting] = urls,
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Orleans"] = "Warning",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
                ["Logging:Console:FormatterName"] = "simple",
                ["Logging:Console:FormatterOptions:SingleLine"] = "true",
                ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss ",
            },
        });
    }
}
