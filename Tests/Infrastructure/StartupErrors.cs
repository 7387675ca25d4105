using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace SliceAuth.Tests.Infrastructure;

/// <summary>
/// Program.cs reports a start-up failure on standard error and returns, and the test host then hands
/// back a server that never started. This keeps those lines (still writing them through), so that a
/// fixture can fail with the API's own reason instead of the test host's "not started".
/// </summary>
public static class StartupErrors
{
    private static readonly ConcurrentQueue<string> Lines = new();

    [ModuleInitializer]
    internal static void Capture() => Console.SetError(new Recorder(Console.Error));

    public static string Recent => Lines.IsEmpty ? "(nothing on standard error)" : string.Join(Environment.NewLine, Lines.TakeLast(5));

    private sealed class Recorder(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void WriteLine(string? value)
        {
            if (value is not null && value.StartsWith("SliceAuth cannot start", StringComparison.Ordinal))
                Lines.Enqueue(value);
            inner.WriteLine(value);
        }
    }
}
