using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>A new refresh token: the value the client holds, and the only thing the database keeps.</summary>
public readonly record struct RefreshToken(string Value, byte[] Hash, DateTime ExpiresAt, TimeSpan Lifetime);

/// <summary>Mints access tokens (RFC 9068 JWTs) and refresh tokens.</summary>
public sealed class TokenIssuer(SigningKeys keys, IOptions<JwtOptions> options, TimeProvider time)
{
    public const string AccessTokenType = "at+jwt";
    private const int RefreshTokenBytes = 32;
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public int AccessTokenSeconds => (int)options.Value.AccessTokenLifetime.TotalSeconds;

    public string CreateAccessToken(Guid userId, string email, Guid sessionId)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = AccessTokenType,
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.AccessTokenLifetime,
            SigningCredentials = keys.Signing,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId.ToString(),
                [JwtRegisteredClaimNames.Email] = email,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
                [JwtRegisteredClaimNames.Sid] = sessionId.ToString(),
            },
        });
    }

    public RefreshToken CreateRefreshToken()
    {
        var value = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RefreshTokenBytes));
        var lifetime = options.Value.RefreshTokenLifetime;
        return new RefreshToken(value, HashRefreshToken(value), time.GetUtcNow().UtcDateTime + lifetime, lifetime);
    }

    /// <summary>
    /// SHA-256 of the token as the client sends it. Lookups go through a unique index on this hash, so a
    /// token is never compared with a stored secret in application code.
    /// </summary>
    public static byte[] HashRefreshToken(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
