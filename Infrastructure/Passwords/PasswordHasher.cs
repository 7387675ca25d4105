using System.Globalization;
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
    private readonly string _dummyHash;
    private readonly AuthMetrics? _metrics;
    private readonly Argon2idInstances _argon2id;
    private readonly SemaphoreSlim _hashing;

    public PasswordHasher(IOptions<PasswordOptions> options, AuthMetrics? metrics = null)
    {
        _options = options.Value;
        _metrics = metrics;
        _argon2id = new Argon2idInstances(_options.Argon2MemoryKiB, _options.Argon2Iterations, _options.Argon2Parallelism, HashBytes);
        _dummyHash = DummyHash(_options);
        _hashing = new SemaphoreSlim(_options.MaxConcurrentHashes);
    }

    private string HashNow(string password)
    {
        using var timer = _metrics?.TimeHash(_options.Algorithm == PasswordAlgorithm.Bcrypt ? "bcrypt" : "argon2id", "hash");
        return _options.Algorithm == PasswordAlgorithm.Bcrypt
            ? BCrypt.Net.BCrypt.HashPassword(password, _options.BcryptCost)
            : _argon2id.Hash(Encoding.UTF8.GetBytes(password), RandomNumberGenerator.GetBytes(SaltBytes));
    }

    private PasswordVerification VerifyNow(string password, string storedHash)
    {
        bool correct;
        using var timer = _metrics?.TimeHash(IsBcrypt(storedHash) ? "bcrypt" : "argon2id", "verify");
        try
        {
            correct = IsBcrypt(storedHash)
                ? BCrypt.Net.BCrypt.Verify(password, storedHash)
                : storedHash.StartsWith("$argon2", StringComparison.Ordinal) && VerifyArgon2(password, storedHash);
        }
        catch (Exception e) when (e is BCrypt.Net.SaltParseException or FormatException or ArgumentException)
        {
            correct = false;
        }
        if (!correct)
            return PasswordVerification.Failed;
        return IsWeakerThanConfigured(storedHash) ? PasswordVerification.SucceededNeedsRehash : PasswordVerification.Succeeded;
    }

    /// <summary>Hashes at the configured parameters run on the reused instances; any other goes to Isopoh's own check.</summary>
    private bool VerifyArgon2(string password, string storedHash)
    {
        var decoded = new Argon2Config();
        if (!decoded.DecodeString(storedHash, out var expected) || expected is null)
            return false;
        using (expected)
        {
            if (!_argon2id.Matches(decoded) || decoded.Salt is null)
                return Argon2.Verify(storedHash, password);
            var computed = _argon2id.Raw(Encoding.UTF8.GetBytes(password), decoded.Salt);
            return CryptographicOperations.FixedTimeEquals(computed, expected.Buffer);
        }
    }

    /// <summary>
    /// Costs what verifying a real hash costs, so that an unknown email answers in about the time a
    /// wrong password does.
    /// </summary>
    public Task VerifyAgainstDummyAsync(string password, CancellationToken ct) => VerifyAsync(password, _dummyHash, ct);

    // Hashes run on a thread pool thread of their own (Task.Run), not on the request's thread. A hash
    // allocates as it goes (Isopoh's block function), so collections happen during it, and every
    // collection walks each thread's stack: on the request's thread that is the whole middleware chain,
    // about 54 frames, against 14 here. Measured on the native build under login load, walking
    // stacks fell from 6.5 % to 2.5 % of the API's CPU time.

    /// <summary>A new hash of the password at the configured algorithm and cost, in turn with other hashes.</summary>
    public async Task<string> HashAsync(string password, CancellationToken ct)
    {
        await Admit(ct);
        try
        {
            return await Task.Run(() => HashNow(password), CancellationToken.None);
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Checks the password against a stored hash, in turn with other hashes.</summary>
    public async Task<PasswordVerification> VerifyAsync(string password, string storedHash, CancellationToken ct)
    {
        await Admit(ct);
        try
        {
            return await Task.Run(() => VerifyNow(password, storedHash), CancellationToken.None);
        }
        finally
        {
            Leave();
        }
    }

    private async Task Admit(CancellationToken ct)
    {
        await _hashing.WaitAsync(ct);
        _metrics?.HashesActive(1);
    }

    private void Leave()
    {
        _metrics?.HashesActive(-1);
        _hashing.Release();
    }

    /// <summary><see cref="HashAsync"/> for callers that have no request to await in (tools, tests).</summary>
    public string Hash(string password) => HashAsync(password, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary><see cref="VerifyAsync"/> for callers that have no request to await in (tools, tests).</summary>
    public PasswordVerification Verify(string password, string storedHash) =>
        VerifyAsync(password, storedHash, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// A well-formed hash at the configured algorithm and cost whose salt and digest are random bytes: no
    /// password matches it, and checking one against it costs one full hash, as a real check does.
    /// Nothing is hashed to make it.
    /// </summary>
    private static string DummyHash(PasswordOptions options)
    {
        if (options.Algorithm == PasswordAlgorithm.Bcrypt)
        {
            const string alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            return BCrypt.Net.BCrypt.GenerateSalt(options.BcryptCost) + RandomNumberGenerator.GetString(alphabet, 31);
        }
        static string Unpadded(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=');
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v=19$m={options.Argon2MemoryKiB},t={options.Argon2Iterations},p={options.Argon2Parallelism}${Unpadded(SaltBytes)}${Unpadded(HashBytes)}");
    }

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
