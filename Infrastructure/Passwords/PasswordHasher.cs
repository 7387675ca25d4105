using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.Options;
using SliceAuth.Infrastructure.Telemetry;

namespace SliceAuth.Infrastructure.Passwords;

public enum PasswordVerification
{
    Failed,
    Succeeded,
    /// <summary>Correct, but stored as bcrypt or with weaker parameters than configured.</summary>
    SucceededNeedsRehash,
}

/// <summary>Argon2id (PHC strings) for new hashes, bcrypt as the configurable fallback; verifies both.</summary>
public sealed partial class PasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private readonly PasswordOptions _options;
    private readonly Lazy<string> _dummyHash;
    private readonly AuthMetrics? _metrics;

    public PasswordHasher(IOptions<PasswordOptions> options, AuthMetrics? metrics = null)
    {
        _options = options.Value;
        _metrics = metrics;
        _dummyHash = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));
    }

    public string Hash(string password)
    {
        using var timer = _metrics?.TimeHash(_options.Algorithm == PasswordAlgorithm.Bcrypt ? "bcrypt" : "argon2id", "hash");
        return _options.Algorithm == PasswordAlgorithm.Bcrypt
            ? BCrypt.Net.BCrypt.HashPassword(password, _options.BcryptCost)
            : Argon2.Hash(new Argon2Config
            {
                Type = Argon2Type.HybridAddressing,
                Version = Argon2Version.Nineteen,
                MemoryCost = _options.Argon2MemoryKiB,
                TimeCost = _options.Argon2Iterations,
                Lanes = _options.Argon2Parallelism,
                Threads = _options.Argon2Parallelism,
                Password = Encoding.UTF8.GetBytes(password),
                Salt = RandomNumberGenerator.GetBytes(SaltBytes),
                HashLength = HashBytes,
            });
    }

    public PasswordVerification Verify(string password, string storedHash)
    {
        bool correct;
        using var timer = _metrics?.TimeHash(IsBcrypt(storedHash) ? "bcrypt" : "argon2id", "verify");
        try
        {
            correct = IsBcrypt(storedHash)
                ? BCrypt.Net.BCrypt.Verify(password, storedHash)
                : storedHash.StartsWith("$argon2", StringComparison.Ordinal) && Argon2.Verify(storedHash, password);
        }
        catch (Exception e) when (e is BCrypt.Net.SaltParseException or FormatException or ArgumentException)
        {
            correct = false;
        }
        if (!correct)
            return PasswordVerification.Failed;
        return IsWeakerThanConfigured(storedHash) ? PasswordVerification.SucceededNeedsRehash : PasswordVerification.Succeeded;
    }

    /// <summary>
    /// Costs what verifying a real hash costs, so that an unknown email answers in about the time a
    /// wrong password does.
    /// </summary>
    public void VerifyAgainstDummy(string password) => Verify(password, _dummyHash.Value);

    /// <summary>Makes the dummy hash now, so the first unknown-email login does not pay for it twice.</summary>
    public void Warm() => _ = _dummyHash.Value;

    private bool IsWeakerThanConfigured(string storedHash)
    {
        if (IsBcrypt(storedHash))
            return _options.Algorithm == PasswordAlgorithm.Argon2id
                   || int.Parse(storedHash.AsSpan(4, 2)) < _options.BcryptCost;
        var parameters = Argon2idParameters().Match(storedHash);
        if (!parameters.Success)
            return true;
        return _options.Algorithm == PasswordAlgorithm.Argon2id
               && (int.Parse(parameters.Groups["m"].ValueSpan) < _options.Argon2MemoryKiB
                   || int.Parse(parameters.Groups["t"].ValueSpan) < _options.Argon2Iterations
                   || int.Parse(parameters.Groups["p"].ValueSpan) < _options.Argon2Parallelism);
    }

    private static bool IsBcrypt(string hash) =>
        hash.Length == 60 && (hash.StartsWith("$2a$") || hash.StartsWith("$2b$") || hash.StartsWith("$2y$"));

    [GeneratedRegex(@"^\$argon2id\$v=19\$m=(?<m>\d{1,9}),t=(?<t>\d{1,9}),p=(?<p>\d{1,9})\$")]
    private static partial Regex Argon2idParameters();
}
