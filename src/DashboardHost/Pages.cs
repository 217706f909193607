using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.FileProviders;

namespace CityOps.DashboardHost;

/// <summary>
/// The web pages ship inside this assembly, so the engine serves everything a screen needs by
/// itself: the government extranet has no CDN. Page shells are public; their data needs a token.
/// The files are built from <c>frontend/</c> (TypeScript, Vite) into <c>wwwroot/</c> by this project's build.
/// </summary>
public static class Pages
{
    private static readonly ManifestEmbeddedFileProvider Files = new(typeof(Pages).Assembly, "wwwroot");

    private static readonly CompressedAssets Assets = new(Files);

    public static IApplicationBuilder UseDashboardPages(this IApplicationBuilder app) =>
        app.Use(Assets.InvokeAsync).UseStaticFiles(new StaticFileOptions { FileProvider = Files });

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        MapPage(app, "/", "index.html");
        MapPage(app, "/console", "console/index.html");
        MapPage(app, "/console/users", "console/users/index.html");
        MapPage(app, "/m", "m/index.html");
        return app;
    }

    private static void MapPage(IEndpointRouteBuilder app, string route, string file)
    {
        var info = Files.GetFileInfo(file);
        if (!info.Exists)
        {
            throw new InvalidOperationException($"Page {file} is missing from the build.");
        }

        // A route matches with or without a trailing slash, so /m and /m/ are one page.
        app.MapGet(route, (HttpContext http) =>
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            return http.Response.SendFileAsync(info);
        }).AllowAnonymous().ExcludeFromDescription();
    }
}
