using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>
/// Remembers tokens that validated, keyed by the whole token string, so a client that sends the same
/// access token again skips the parse and the signature check. What validation checked of a given string
/// (signature, algorithm, type, issuer, audience) cannot change while the keys are fixed; only time can,
/// so every hit re-checks the lifetime by the same rule as the first validation. Failures are never
/// cached. At most <see cref="Capacity"/> tokens are held (a few MB): a full cache first drops its
/// expired entries and, if still full, starts again empty. <paramref name="reads"/> reads the
/// <see cref="Caller"/> from the claims of a token that validated, once, for every later request that
/// brings the token; a token it cannot read (null) is invalid and not cached. Without it, every token
/// that validates is accepted and its requests carry no caller read in advance.
/// </summary>
public sealed class CachingTokenHandler(TimeProvider time, TimeSpan clockSkew, Func<ClaimsIdentity, Caller?>? reads = null)
    : JsonWebTokenHandler
{
    public const int Capacity = 1024;
    private readonly ConcurrentDictionary<string, Entry> _validated = new(StringComparer.Ordinal);

    /// <summary>Tokens held now (for tests and diagnostics).</summary>
    public int Count => _validated.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (Remembered(token, now) is { } cached)
            return cached.Result;

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (!result.IsValid)
            return result;
        var identity = result.ClaimsIdentity;
        Caller? caller = null;
        if (reads is not null && (identity is null || (caller = reads(identity)) is null))
            return new TokenValidationResult { IsValid = false, Exception = new SecurityTokenValidationException("The token's claims are refused.") };
        if (result.SecurityToken is JsonWebToken jwt && identity is not null)
        {
            if (_validated.Count >= Capacity)
                Trim(now);
            _validated[token] = new Entry(result, jwt.ValidFrom, jwt.ValidTo, caller);
        }
        return result;
    }

    /// <summary>
    /// The principal of a token that validated before and is still within its lifetime, without
    /// validating it again (a <see cref="CallerPrincipal"/> when the caller was read); false for any
    /// other token, which then goes through <see cref="ValidateTokenAsync"/>.
    /// </summary>
    public bool TryGetValidated(ReadOnlySpan<char> token, [NotNullWhen(true)] out ClaimsPrincipal? principal)
    {
        principal = Remembered(token, time.GetUtcNow().UtcDateTime) switch
        {
            { Result.ClaimsIdentity: { } identity, Caller: { } caller } => new CallerPrincipal(identity, caller),
            { Result.ClaimsIdentity: { } identity } => new ClaimsPrincipal(identity),
            _ => null,
        };
        return principal is not null;
    }

    // The entry of a remembered token still within its lifetime; an expired one is dropped.
    private Entry? Remembered(ReadOnlySpan<char> token, DateTime now)
    {
        if (!_validated.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(token, out var key, out var cached))
            return null;
        if (IsWithinLifetime(cached, now))
            return cached;
        _validated.TryRemove(KeyValuePair.Create(key, cached));
        return null;
    }

    private void Trim(DateTime now)
    {
        foreach (var (token, entry) in _validated)
        {
            if (!IsWithinLifetime(entry, now))
                _validated.TryRemove(KeyValuePair.Create(token, entry));
        }
        if (_validated.Count >= Capacity)
            _validated.Clear();
    }

    // The rule JwtBearerSetup gives the library: exp required, nbf optional (DateTime.MinValue when absent).
    private bool IsWithinLifetime(Entry entry, DateTime now) =>
        now < entry.Expires + clockSkew && (entry.NotBefore == DateTime.MinValue || now >= entry.NotBefore - clockSkew);

    private sealed record Entry(TokenValidationResult Result, DateTime NotBefore, DateTime Expires, Caller? Caller);
}
