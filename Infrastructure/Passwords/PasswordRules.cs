using System.Text;
using Microsoft.Extensions.Options;

namespace SliceAuth.Infrastructure.Passwords;

/// <summary>The rules a new password must meet, for registration and for a password change.</summary>
public sealed class PasswordRules(IOptions<PasswordOptions> options, CommonPasswords commonPasswords)
{
    public const int MaxLength = 128;
    private const int BcryptMaxBytes = 72;

    /// <summary>Every rule the password breaks, as messages for the client; none when it is acceptable.</summary>
    public IEnumerable<string> Check(string password, string? email)
    {
        // Counted in code points, so an emoji is one character, as a person counts it.
        var length = password.EnumerateRunes().Count();
        if (length < options.Value.MinLength)
            yield return $"Password must be at least {options.Value.MinLength} characters long.";
        if (length > MaxLength)
            yield return $"Password must be at most {MaxLength} characters long.";
        if (string.IsNullOrWhiteSpace(password))
            yield return "Password must not consist of white space only.";
        if (email is not null && string.Equals(password, email.Trim(), StringComparison.OrdinalIgnoreCase))
            yield return "Password must not be the email address.";
        if (commonPasswords.Contains(password))
            yield return "Password is one of the most common passwords: choose another.";
        // bcrypt reads only the first 72 bytes: a longer password would be silently truncated.
        if (options.Value.Algorithm == PasswordAlgorithm.Bcrypt && Encoding.UTF8.GetByteCount(password) > BcryptMaxBytes)
            yield return $"Password must be at most {BcryptMaxBytes} bytes in UTF-8 while bcrypt hashes passwords.";
    }
}
