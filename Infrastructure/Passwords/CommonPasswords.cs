using System.Text;

namespace SliceAuth.Infrastructure.Passwords;

/// <summary>
/// The zxcvbn `passwords` list (scripts/update-common-passwords.sh regenerates it), loaded once and
/// matched ignoring case (ordinal): a binary search, never a scan. The list is kept as one string of all
/// entries in order with their offsets, about 0.9 MB; a set of 49,000 separate strings held about 3.2 MB
/// of the API's heap for the life of the process.
/// </summary>
public sealed class CommonPasswords
{
    private readonly string _entries;
    private readonly int[] _starts;

    public CommonPasswords()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream("SliceAuth.common-passwords.txt")
                           ?? throw new InvalidOperationException("The common-password list is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        var lines = new List<string>(50_000);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0)
                lines.Add(line);
        lines.Sort(StringComparer.OrdinalIgnoreCase);

        var starts = new List<int>(lines.Count + 1);
        var entries = new StringBuilder(lines.Sum(line => line.Length));
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0 && string.Equals(lines[i], lines[i - 1], StringComparison.OrdinalIgnoreCase))
                continue;
            starts.Add(entries.Length);
            entries.Append(lines[i]);
        }
        starts.Add(entries.Length);
        _entries = entries.ToString();
        _starts = [.. starts];
    }

    public int Count => _starts.Length - 1;

    public bool Contains(string password)
    {
        int low = 0, high = Count - 1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            var order = _entries.AsSpan(_starts[middle], _starts[middle + 1] - _starts[middle])
                .CompareTo(password, StringComparison.OrdinalIgnoreCase);
            if (order == 0)
                return true;
            if (order < 0)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return false;
    }
}
