namespace SliceAuth.Infrastructure.Accounts;

/// <summary>
/// Emails as accounts: trimmed, then compared case-insensitively (the database's `lower(email)` index
/// makes one account of `A@x.io` and `a@x.io`).
/// </summary>
public static class EmailAddress
{
    public const int MaxLength = 254;
    private const int MaxLocalPartLength = 64;

    public static string Normalise(string email) => email.Trim();

    public static bool IsValid(string email)
    {
        email = Normalise(email);
        if (email.Length is 0 or > MaxLength || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            return false;
        var at = email.IndexOf('@');
        if (at < 0 || at != email.LastIndexOf('@'))
            return false;
        var local = email[..at];
        var domain = email[(at + 1)..];
        return local.Length is >= 1 and <= MaxLocalPartLength
               && domain.Contains('.')
               && domain.Split('.').All(label => label.Length > 0);
    }
}
