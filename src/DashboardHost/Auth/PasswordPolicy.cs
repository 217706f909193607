namespace CityOps.DashboardHost.Auth;

/// <summary>
/// What a password set through the admin API must be: 10 to 128 characters, at least three of lower-case
/// letters, upper-case letters, digits and symbols, not containing the username and not one of the
/// commonly used passwords (the demo passwords of the sample city among them).
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 128;
    public const int MinClasses = 3;

    /// <summary>Compared ignoring case.</summary>
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "1234567890", "12345678910", "0123456789", "1qaz2wsx3edc", "1q2w3e4r5t", "qwertyuiop", "qwerty12345", "qwerty123!",
        "password1!", "password12", "password123", "password@123", "password#123", "p@ssw0rd123", "p@ssword123", "passw0rd!@",
        "admin12345", "admin@12345", "admin#12345", "admin@2026", "admin#2026", "admin123456", "administrator1",
        "abc1234567", "abcd@12345", "aa123456789", "aa12345678", "iloveyou123", "welcome123", "welcome@123", "changeme123",
        "operator#2026", "dispatch#2026", "respond#2026", "cityops#2026", "cityops@2026", "china12345", "woaini1314!", "zxcvbnm123",
    };

    /// <summary>Null when the password may be used; otherwise why not, naming the rule.</summary>
    public static string? Problem(string username, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "password is required";
        }

        if (password.Length < MinLength)
        {
            return $"password must be at least {MinLength} characters";
        }

        if (password.Length > MaxLength)
        {
            return $"password is limited to {MaxLength} characters";
        }

        var classes = new[]
        {
            password.Any(char.IsLower), password.Any(char.IsUpper), password.Any(char.IsDigit), password.Any(c => !char.IsLetterOrDigit(c)),
        }.Count(present => present);
        if (classes < MinClasses)
        {
            return $"password must mix at least {MinClasses} of: lower-case letters, upper-case letters, digits, symbols";
        }

        if (!string.IsNullOrEmpty(username) && password.Contains(username, StringComparison.OrdinalIgnoreCase))
        {
            return "password must not contain the username";
        }

        return Common.Contains(password) ? "password is one of the commonly used passwords: choose another" : null;
    }
}
