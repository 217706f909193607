namespace CityOps.DashboardHost.Auth;

/// <summary>The roles of docs/architecture.md, Contracts.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Operator = "operator";
    public const string Dispatcher = "dispatcher";
    public const string Responder = "responder";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Admin, Operator, Dispatcher, Responder };
}

/// <summary>The claim types a token carries besides the standard ones.</summary>
public static class CityClaims
{
    public const string Role = "role";
    public const string Name = "name";
    public const string Region = "region";
    public const string Department = "department";

    /// <summary>The account's token version when the token was issued; a later version revokes it.</summary>
    public const string TokenVersion = "ver";
}
