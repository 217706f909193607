using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace CityOps.MapBench;

/// <summary>
/// Opens the big screen of a running engine in headless Chromium, signs in, waits for every device
/// on the map, then pans it for a while at city zoom and at street zoom, timing every frame the
/// browser draws; and counts what the page downloaded. Prints a Markdown table (docs/performance.md).
/// </summary>
/// <remarks>
/// usage: CityOps.MapBench --url http://127.0.0.1:5080/ [--user operator] [--password …] [--chromium /usr/bin/chromium]
///        [--width 1920] [--height 1080] [--seconds 10]
/// </remarks>
public static class Program
{
    private const string PanScript = """
        async ([seconds, zoom]) => {
          const map = window.situationMap;
          if (zoom !== null) map.jumpTo({ zoom });
          await new Promise(r => map.once('idle', r));
          const frames = [];
          let last = performance.now();
          let running = true;
          const tick = now => { frames.push(now - last); last = now; if (running) requestAnimationFrame(tick); };
          requestAnimationFrame(tick);
          const end = performance.now() + seconds * 1000;
          let step = 0;
          while (performance.now() < end) {
            const angle = step++ * 0.7;
            map.panBy([Math.cos(angle) * 300, Math.sin(angle) * 200], { duration: 400 });
            await new Promise(r => setTimeout(r, 420));
          }
          running = false;
          frames.shift();
          return frames;
        }
        """;

    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = Options(args);
        var url = new Uri(options.GetValueOrDefault("--url") ?? "http://127.0.0.1:5080/");
        var width = int.Parse(options.GetValueOrDefault("--width") ?? "1920", CultureInfo.InvariantCulture);
        var height = int.Parse(options.GetValueOrDefault("--height") ?? "1080", CultureInfo.InvariantCulture);
        var seconds = int.Parse(options.GetValueOrDefault("--seconds") ?? "10", CultureInfo.InvariantCulture);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = options.GetValueOrDefault("--chromium") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var downloads = new List<(string Url, long Bytes)>();
        var outside = new List<string>();
        page.RequestFinished += async (_, request) =>
        {
            if (!request.Url.StartsWith(url.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal) && !request.Url.StartsWith("blob:", StringComparison.Ordinal))
            {
                lock (outside)
                {
                    outside.Add(request.Url);
                }
            }

            var sizes = await request.SizesAsync();
            lock (downloads)
            {
                downloads.Add((request.Url, sizes.ResponseBodySize + sizes.ResponseHeadersSize));
            }
        };

        var started = DateTime.UtcNow;
        await page.GotoAsync(url.ToString());
        await page.FillAsync("#login input[name=username]", options.GetValueOrDefault("--user") ?? "operator");
        await page.FillAsync("#login input[name=password]", options.GetValueOrDefault("--password") ?? "Operator#2026");
        await page.ClickAsync("#login button[type=submit]");
        await page.WaitForFunctionAsync("() => Number(document.querySelector('#map')?.dataset.devices) > 0 && window.situationMap.loaded()", null, new PageWaitForFunctionOptions { Timeout = 300_000 });
        await page.WaitForFunctionAsync("() => Number(document.querySelector('#map').dataset.clusters) > 0", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
        var ready = DateTime.UtcNow - started;
        var devices = await page.GetAttributeAsync("#map", "data-devices");
        long firstLoad;
        lock (downloads)
        {
            firstLoad = downloads.Sum(d => d.Bytes);
        }

        var city = await page.EvaluateAsync<double[]>(PanScript, new object?[] { seconds, null });
        var street = await page.EvaluateAsync<double[]>(PanScript, new object?[] { seconds, 16 });
        long total;
        lock (downloads)
        {
            total = downloads.Sum(d => d.Bytes);
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Map benchmark: {devices} devices, {width}x{height}, headless Chromium (software WebGL), {seconds} s of panning per zoom");
        report.AppendLine();
        report.AppendLine("| measure | value |");
        report.AppendLine("|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| sign-in to every device on the map | {ready.TotalSeconds:F1} s |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| downloaded until then | {firstLoad / 1024.0 / 1024.0:F2} MiB in {downloads.Count} requests |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| downloaded after panning at both zooms | {total / 1024.0 / 1024.0:F2} MiB |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| largest download | {Largest(downloads)} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| frame time panning at city zoom: median / p95 / max | {Frames(city)} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| frame time panning at street zoom 16: median / p95 / max | {Frames(street)} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| requests to other hosts | {outside.Count} |");
        Console.Write(report.ToString());
        return outside.Count == 0 ? 0 : 1;
    }

    private static string Largest(List<(string Url, long Bytes)> downloads)
    {
        lock (downloads)
        {
            var largest = downloads.MaxBy(d => d.Bytes);
            return string.Create(CultureInfo.InvariantCulture, $"{largest.Bytes / 1024.0:F0} KiB {new Uri(largest.Url).AbsolutePath}");
        }
    }

    private static string Frames(double[] frames)
    {
        if (frames.Length == 0)
        {
            return "no frames";
        }

        var sorted = frames.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        return string.Create(CultureInfo.InvariantCulture, $"{At(0.5):F1} / {At(0.95):F1} / {sorted[^1]:F1} ms ({frames.Length} frames, {1000 * frames.Length / frames.Sum():F0} fps)");
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        return options;
    }
}
