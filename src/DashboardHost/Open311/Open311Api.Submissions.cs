using System.Globalization;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using Microsoft.AspNetCore.Http;

namespace CityOps.DashboardHost.Open311;

// Reading a GeoReport v2 submission (form or JSON) and what makes one acceptable: apart from the
// endpoints in Open311Api.cs, which only translate.
public static partial class Open311Api
{
    /// <summary>The body as a submission, from a form or JSON; or why it cannot be read.</summary>
    private static async Task<(Open311Submission? Submission, string? Problem)> ReadSubmissionAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            string? Field(string name) => form.TryGetValue(name, out var value) ? value.FirstOrDefault() : null;
            if (!TryParseNumber(Field("lat"), out var lat) || !TryParseNumber(Field("long"), out var lon))
            {
                return (null, "lat and long must be decimal degrees (WGS 84), e.g. lat=27.61&long=114.02.");
            }

            return (new Open311Submission(
                Field("api_key"), Field("jurisdiction_id"), Field("service_code"), lat, lon, Field("address_string"), Field("address_id"), Field("description"),
                Field("media_url"), Field("email"), Field("first_name"), Field("last_name"), Field("phone"), Field("device_id"), Field("account_id")), null);
        }

        if (request.HasJsonContentType())
        {
            try
            {
                var submission = await request.ReadFromJsonAsync<Open311Submission>(SubmissionJson);
                return submission is null ? (null, "The JSON body must be an object with the service request's fields.") : (submission, null);
            }
            catch (JsonException e)
            {
                return (null, $"The JSON body cannot be read: {e.Message}");
            }
        }

        return (null, "Send the service request as application/x-www-form-urlencoded or application/json.");
    }

    private static string? SubmissionProblem(Open311Submission s, CityCatalogue catalogue) => s switch
    {
        { ServiceCode: null or "" } => "service_code is required; GET /open311/v2/services.json lists them.",
        _ when catalogue.Category(s.ServiceCode) is null => $"service_code '{s.ServiceCode}' is not a service of this city; GET /open311/v2/services.json lists them.",
        { Latitude: null, Longitude: null } when !string.IsNullOrWhiteSpace(s.AddressString) || !string.IsNullOrWhiteSpace(s.AddressId) =>
            "lat and long are required: this server has no geocoder, so it cannot place address_string or address_id on the grid. Send the point's lat and long (WGS 84) too.",
        { Latitude: null } or { Longitude: null } => "lat and long are both required (decimal degrees, WGS 84).",
        { Latitude: var lat, Longitude: var lon } when !double.IsFinite(lat!.Value) || !double.IsFinite(lon!.Value) || lat is < -90 or > 90 || lon is < -180 or > 180 =>
            "lat must be from -90 to 90 and long from -180 to 180 (decimal degrees, WGS 84).",
        { Description.Length: > 4000 } => "description must be at most 4000 characters.",
        { AddressString.Length: > 500 } => "address_string must be at most 500 characters.",
        { MediaUrl: { Length: > 0 } url } when url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") =>
            "media_url must be an http or https URL of at most 2048 characters.",
        _ when new[] { s.Email, s.FirstName, s.LastName, s.Phone, s.DeviceId, s.AccountId }.Any(f => f?.Length > 200) =>
            "email, first_name, last_name, phone, device_id and account_id must each be at most 200 characters.",
        _ => null,
    };

    /// <summary>The reporter's contact, kept on the case for call-backs and never listed.</summary>
    private static string? Contact(Open311Submission s)
    {
        var name = Blank($"{s.FirstName} {s.LastName}");
        var parts = new (string Label, string? Value)[] { ("姓名", name), ("电话", Blank(s.Phone)), ("邮箱", Blank(s.Email)) }
            .Where(p => p.Value is not null)
            .Select(p => $"{p.Label}：{p.Value}")
            .ToList();
        return parts.Count == 0 ? null : string.Join("；", parts);
    }

    private static string Origin(HttpContext http, Open311Submission s)
    {
        var origin = $"open311 {http.Connection.RemoteIpAddress?.ToString() ?? "unknown"}";
        return Blank(s.DeviceId) is { } device ? $"{origin} device {device}" : origin;
    }

    private static bool TryParseNumber(string? text, out double? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
