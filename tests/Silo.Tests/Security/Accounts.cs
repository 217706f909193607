using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CityOps.Silo.Tests.Hosting;

namespace CityOps.Silo.Tests.Security;

/// <summary>Users made for one test through the admin API, and sign-ins as a client would make them.</summary>
public static class Accounts
{
    private static readonly string[] CityWide = ["9901"];

    public const string Password = "Lantern-42-harbour";

    /// <summary>A new user of the given role (city-wide), made by the demo admin; their password is <see cref="Password"/>.</summary>
    public static async Task<string> CreateAsync(Engine engine, string role = "operator", string? department = null)
    {
        using var admin = engine.Http(await engine.TokenAsync("admin"));
        var username = $"t{Guid.NewGuid():N}"[..20];
        var response = await admin.PostAsJsonAsync("/api/admin/users", new
        {
            username, displayName = "测试用户", password = Password, roles = new[] { role }, regions = CityWide, department,
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return username;
    }

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string username, string password) =>
        await http.PostAsJsonAsync("/api/auth/token", new { username, password });

    /// <summary>Signs in and returns the whole answer (access and refresh token).</summary>
    public static async Task<JsonElement> TokensAsync(Engine engine, string username, string password = Password)
    {
        using var http = engine.Http();
        var response = await SignInAsync(http, username, password);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<HttpResponseMessage> RefreshAsync(Engine engine, string refreshToken)
    {
        using var http = engine.Http();
        return await http.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = refreshToken });
    }

    /// <summary>The status a token meets on a plain read.</summary>
    public static async Task<HttpStatusCode> StatusWithAsync(Engine engine, string accessToken)
    {
        using var http = engine.Http(accessToken);
        using var response = await http.GetAsync(new Uri("/api/catalogue", UriKind.Relative));
        return response.StatusCode;
    }

    /// <summary>A client whose connections come from another loopback address (127.0.0.x), as a different client machine would.</summary>
    public static HttpClient From(Engine engine, string address)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                    await socket.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = engine.BaseAddress };
    }
}
