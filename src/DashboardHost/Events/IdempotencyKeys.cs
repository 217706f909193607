using Microsoft.AspNetCore.Http;

namespace CityOps.DashboardHost.Events;

/// <summary>
/// The <c>Idempotency-Key</c> header of a report (<c>POST /api/events</c>, Open311's
/// <c>POST requests.json</c>) or a case action (<c>POST /api/events/{id}/actions</c>): a client that did
/// not hear back sends the same report or action with the same key and gets the same case, never a
/// second one, and an action is taken once (the answer to a resent one carries <see cref="ReplayedHeader"/>). The key is the caller's own: it is qualified by
/// who sent it, so two clients' keys never meet.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    public const int MaxLength = 200;

    /// <summary>On the answer to an action whose key the case had already taken: nothing was done again.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The report key for intake (null when the client sent none), or why the header is refused.</summary>
    public static (string? Key, string? Problem) From(HttpRequest request, string caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.TryGetValue(Header, out var values) || values.Count == 0)
        {
            return (null, null);
        }

        var value = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || value.Any(c => c is < '!' or > '~'))
        {
            return (null, $"{Header} must be one value of 1 to {MaxLength} visible ASCII characters.");
        }

        return ($"{caller}:{value}", null);
    }
}
