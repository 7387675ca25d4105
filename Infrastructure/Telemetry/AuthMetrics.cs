using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SliceAuth.Infrastructure.Telemetry;

/// <summary>
/// The API's own instruments, exported with ASP.NET Core's and Npgsql's at /metrics. Tags are closed
/// sets of words: never an email, a token or an id.
/// </summary>
public sealed class AuthMetrics
{
    public const string MeterName = "SliceAuth";

    private readonly Counter<long> _registrations;
    private readonly Counter<long> _logins;
    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _sessionsRevoked;
    private readonly Histogram<double> _hashDuration;
    private readonly UpDownCounter<int> _hashesActive;
    private readonly Counter<long> _memoryTrims;

    public AuthMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _registrations = meter.CreateCounter<long>("sliceauth.registrations", description: "Accounts created.");
        _logins = meter.CreateCounter<long>("sliceauth.logins", description: "Login attempts by outcome.");
        _refreshes = meter.CreateCounter<long>("sliceauth.refreshes", description: "Refresh attempts by outcome.");
        _sessionsRevoked = meter.CreateCounter<long>("sliceauth.sessions.revoked", description: "Sessions revoked, by reason.");
        // Boundaries in seconds around the cost of a hash (about 0.1 s at the default Argon2id parameters):
        // without them the SDK's defaults (0, 5, 10, 25 ...) put every hash in one bucket.
        _hashDuration = meter.CreateHistogram<double>("sliceauth.password_hash.duration", unit: "s",
            description: "Time to hash or verify a password.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5] });
        _hashesActive = meter.CreateUpDownCounter<int>("sliceauth.password_hashes.active",
            description: "Hashes and checks computing now; at most Passwords:MaxConcurrentHashes, the rest wait.");
        _memoryTrims = meter.CreateCounter<long>("sliceauth.memory.trims",
            description: "Full collections run when the process went quiet after work (Memory:TrimWhenIdle).");
    }

    public void Registered() => _registrations.Add(1);

    /// <param name="outcome">success, failure or rate_limited.</param>
    public void LoggedIn(string outcome) => _logins.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <param name="outcome">rotated, grace, reuse_detected, expired, revoked or unknown.</param>
    public void Refreshed(string outcome) => _refreshes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <param name="reason">logout, logout_all, password_change, reuse_detected or deleted_by_user.</param>
    public void SessionsRevoked(int count, string reason)
    {
        if (count > 0)
            _sessionsRevoked.Add(count, new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>A hash or check was let through the gate (+1) or has finished (-1).</summary>
    public void HashesActive(int change) => _hashesActive.Add(change);

    public void MemoryTrimmed() => _memoryTrims.Add(1);

    /// <summary>Times a hash or verification: `using (metrics.TimeHash("argon2id", "verify")) ...`.</summary>
    public HashTimer TimeHash(string algorithm, string operation) => new(_hashDuration, algorithm, operation);

    public readonly struct HashTimer(Histogram<double> histogram, string algorithm, string operation) : IDisposable
    {
        private readonly long _started = Stopwatch.GetTimestamp();

        public void Dispose() => histogram.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds,
            new KeyValuePair<string, object?>("algorithm", algorithm),
            new KeyValuePair<string, object?>("operation", operation));
    }
}
