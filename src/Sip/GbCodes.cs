namespace CityOps.Sip;

/// <summary>
/// GB/T 28181 national codes: 20 digits, centre (8), industry (2), type (3), network (1), serial (6); a device's domain
/// (realm) is conventionally the first 10 digits of the platform's code.
/// </summary>
public static class GbCodes
{
    public const string CameraType = "131";
    public const string IpCameraType = "132";
    public const string NvrType = "118";
    public const string SipServerType = "200";
    public const string AlarmInputType = "134";

    public static bool IsValid(string? code) => code is { Length: 20 } && code.All(char.IsAsciiDigit);

    /// <summary>The 3-digit type of a valid code.</summary>
    public static string TypeOf(string code) => IsValid(code) ? code.Substring(10, 3) : throw new ArgumentException($"'{code}' is not a 20-digit GB code.", nameof(code));

    /// <summary>The domain of a platform's code: its first 10 digits.</summary>
    public static string DomainOf(string code) => IsValid(code) ? code[..10] : throw new ArgumentException($"'{code}' is not a 20-digit GB code.", nameof(code));
}
