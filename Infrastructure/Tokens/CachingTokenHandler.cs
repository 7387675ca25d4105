using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>
/// Remembers tokens that validated, keyed by the whole token string, so a client that sends the same
/// access token again skips the parse and the signature check. What validation checked of a given string
/// (signature, algorithm, type, issuer, audience) cannot change while the keys are fixed; only time can,
/// so every hit re-checks the lifetime, exactly as the first validation did. Failures are never cached.
/// </summary>
public sealed class CachingTokenHandler(TimeProvider time, TimeSpan clockSkew) : JsonWebTokenHandler
{
    private const int MaxEntries = 50_000;
    private readonly ConcurrentDictionary<string, Entry> _validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (_validated.TryGetValue(token, out var cached))
        {
            if (IsWithinLifetime(cached, now))
                return cached.Result;
            _validated.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt)
        {
            // A full cache is emptied rather than scanned: its tokens live 15 minutes at most anyway.
            if (_validated.Count >= MaxEntries)
                _validated.Clear();
            _validated[token] = new Entry(result, jwt.ValidFrom, jwt.ValidTo);
        }
        return result;
    }

    // The rule JwtBearerSetup gives the library: exp required, nbf optional (DateTime.MinValue when absent).
    private bool IsWithinLifetime(Entry entry, DateTime now) =>
        now < entry.Expires + clockSkew && (entry.NotBefore == DateTime.MinValue || now >= entry.NotBefore - clockSkew);

    private sealed record Entry(TokenValidationResult Result, DateTime NotBefore, DateTime Expires);
}
