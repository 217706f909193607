using System.Text.Json.Serialization;

namespace CityOps.DashboardHost.Open311;

/// <summary>One service (a catalogue category) as GeoReport v2 lists it.</summary>
public sealed record Open311Service(
    [property: JsonPropertyName("service_code")] string ServiceCode,
    [property: JsonPropertyName("service_name")] string ServiceName,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("metadata")] bool Metadata,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("keywords")] string Keywords,
    [property: JsonPropertyName("group")] string Group);

/// <summary>
/// What a client posts to create a service request, as JSON; a form-encoded body carries the same
/// field names. <c>attribute[…]</c> is not read: no service has metadata.
/// </summary>
public sealed record Open311Submission(
    [property: JsonPropertyName("api_key")] string? ApiKey,
    [property: JsonPropertyName("jurisdiction_id")] string? JurisdictionId,
    [property: JsonPropertyName("service_code")] string? ServiceCode,
    [property: JsonPropertyName("lat")] double? Latitude,
    [property: JsonPropertyName("long")] double? Longitude,
    [property: JsonPropertyName("address_string")] string? AddressString,
    [property: JsonPropertyName("address_id")] string? AddressId,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("media_url")] string? MediaUrl,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("first_name")] string? FirstName,
    [property: JsonPropertyName("last_name")] string? LastName,
    [property: JsonPropertyName("phone")] string? Phone,
    [property: JsonPropertyName("device_id")] string? DeviceId,
    [property: JsonPropertyName("account_id")] string? AccountId);

/// <summary>The answer to a created service request: the case it opened or was counted on.</summary>
public sealed record Open311Created(
    [property: JsonPropertyName("service_request_id")] string ServiceRequestId,
    [property: JsonPropertyName("service_notice")] string ServiceNotice,
    [property: JsonPropertyName("account_id")] string? AccountId);

/// <summary>A case as GeoReport v2 shows it; never carries the reporter's contact.</summary>
public sealed record Open311Request(
    [property: JsonPropertyName("service_request_id")] string ServiceRequestId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_notes")] string StatusNotes,
    [property: JsonPropertyName("service_name")] string ServiceName,
    [property: JsonPropertyName("service_code")] string ServiceCode,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("agency_responsible")] string? AgencyResponsible,
    [property: JsonPropertyName("service_notice")] string? ServiceNotice,
    [property: JsonPropertyName("requested_datetime")] string RequestedDatetime,
    [property: JsonPropertyName("updated_datetime")] string UpdatedDatetime,
    [property: JsonPropertyName("expected_datetime")] string? ExpectedDatetime,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("address_id")] string? AddressId,
    [property: JsonPropertyName("zipcode")] string? Zipcode,
    [property: JsonPropertyName("lat")] double Latitude,
    [property: JsonPropertyName("long")] double Longitude,
    [property: JsonPropertyName("media_url")] string? MediaUrl);

/// <summary>One GeoReport v2 error; an error response is an array of these.</summary>
public sealed record Open311Error(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("description")] string Description);
