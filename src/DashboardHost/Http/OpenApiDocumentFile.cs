using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace CityOps.DashboardHost.Http;

/// <summary>
/// Writes the engine's OpenAPI document, the one <c>GET /openapi/v1.json</c> serves, to a file without
/// starting the host (no Orleans client, no listener): the build runs the program with <see cref="Argument"/>
/// (DashboardHost.csproj, target <c>OpenApiDocument</c>) and the pages' types are generated from the file
/// (<c>frontend/src/api/</c>, docs/architecture.md#contracts).
/// </summary>
internal static class OpenApiDocumentFile
{
    public const string Argument = "--openapi-document";

    public const string DocumentName = "v1";

    /// <summary>Writes the document to <paramref name="path"/>, leaving the file untouched when it says the same.</summary>
    public static async Task WriteAsync(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var data = Directory.CreateTempSubdirectory("cityops-openapi-");
        try
        {
            // A throw-away data folder and key: building the host must leave nothing behind.
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            await using var app = DashboardProgram.Build(
                ["--Profile=embedded", $"--Storage:DataPath={data.FullName}", $"--Auth:SigningKey={key}"]);
            // Starting the host would hand its routes to routing; here the same is done without starting it.
            app.UseRouting();
            app.UseEndpoints(_ => { });
            var provider = app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName);
            var document = await provider.GetOpenApiDocumentAsync();
            using var buffer = new MemoryStream();
            await document.SerializeAsJsonAsync(buffer, OpenApiSpecVersion.OpenApi3_1, CancellationToken.None);
            var text = System.Text.Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n").TrimEnd() + "\n";
            if (!File.Exists(path) || await File.ReadAllTextAsync(path) != text)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(path, text);
            }
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
