using CityOps.Grains.Interfaces.Users;
using Microsoft.AspNetCore.Http;

namespace CityOps.DashboardHost.Auth;

/// <summary>Appends sign-ins and administrators' changes to the month's administration audit (<see cref="IAdminAuditGrain"/>).</summary>
public sealed class AdminAuditLog(IGrainFactory grains, TimeProvider clock)
{
    public async Task AppendAsync(HttpContext http, string actor, string action, string? subject, bool succeeded, params (string Key, string? Value)[] details)
    {
        ArgumentNullException.ThrowIfNull(http);
        var now = clock.GetUtcNow();
        var facts = details.Where(d => d.Value is not null).ToDictionary(d => d.Key, d => d.Value!);
        await grains.GetGrain<IAdminAuditGrain>(AdminAuditMonths.Of(now))
            .Append(new AdminAuditRecord(now, actor, action, subject, succeeded, AddressOf(http), facts));
    }

    public static string AddressOf(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
