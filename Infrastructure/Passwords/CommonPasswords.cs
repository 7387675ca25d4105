namespace SliceAuth.Infrastructure.Passwords;

/// <summary>
/// The zxcvbn `passwords` list (scripts/update-common-passwords.sh regenerates it), loaded once into a
/// hash set: a lookup, never a scan.
/// </summary>
public sealed class CommonPasswords
{
    private readonly HashSet<string> _passwords;

    public CommonPasswords()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream("SliceAuth.common-passwords.txt")
                           ?? throw new InvalidOperationException("The common-password list is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        _passwords = new HashSet<string>(60_000, StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0)
                _passwords.Add(line);
    }

    public int Count => _passwords.Count;

    public bool Contains(string password) => _passwords.Contains(password);
}
