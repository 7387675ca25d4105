using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>The key that signs access tokens and the keys that verify them, read once at start-up.</summary>
public sealed class SigningKeys
{
    public const int MinHmacKeyBytes = 32;

    public SigningKeys(IOptions<JwtOptions> options, IHostEnvironment environment, ILogger<SigningKeys> logger)
    {
        var jwt = options.Value;
        Algorithm = jwt.Algorithm;
        byte[] secret;
        if (string.IsNullOrWhiteSpace(jwt.SigningKey) && environment.IsDevelopment())
        {
            secret = RandomNumberGenerator.GetBytes(64);
            logger.LogWarning("Jwt:SigningKey is not set: using an ephemeral key, so tokens stop verifying when the API restarts. Set Jwt__SigningKey (openssl rand -base64 48).");
        }
        else
        {
            secret = DecodeHmacSecret(jwt.SigningKey) ?? throw new OptionsValidationException(
                JwtOptions.Section, typeof(JwtOptions), [InvalidSecretMessage]);
        }
        var key = new SymmetricSecurityKey(secret) { KeyId = string.IsNullOrWhiteSpace(jwt.KeyId) ? null : jwt.KeyId };
        Signing = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        Verification = [key];
    }

    public const string InvalidSecretMessage =
        "Jwt:SigningKey must be base64 (standard or URL-safe) of at least 32 random bytes, e.g. `openssl rand -base64 48`.";

    public string Algorithm { get; }

    public SigningCredentials Signing { get; }

    public IReadOnlyList<SecurityKey> Verification { get; }

    /// <summary>
    /// The keys a token may have been signed with: exactly those whose id is the token's `kid` (a token
    /// without one matches only a key without one), so a `kid` that names no key verifies nothing.
    /// </summary>
    public IEnumerable<SecurityKey> Resolve(string? keyId) =>
        Verification.Where(k => string.Equals(k.KeyId ?? "", keyId ?? "", StringComparison.Ordinal));

    public static byte[]? DecodeHmacSecret(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var standard = value.Trim().Replace('-', '+').Replace('_', '/');
        standard = standard.PadRight(standard.Length + (4 - standard.Length % 4) % 4, '=');
        var bytes = new byte[standard.Length];
        return Convert.TryFromBase64String(standard, bytes, out var written) && written >= MinHmacKeyBytes
            ? bytes[..written]
            : null;
    }
}

/// <summary>Fails the start outside Development when the signing key cannot be used.</summary>
public sealed class ValidateJwtOptions(IHostEnvironment environment) : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        if (options.Algorithm == JwtOptions.HS256 && SigningKeys.DecodeHmacSecret(options.SigningKey) is null
            && !(environment.IsDevelopment() && string.IsNullOrWhiteSpace(options.SigningKey)))
            return ValidateOptionsResult.Fail(SigningKeys.InvalidSecretMessage);
        if (options.Algorithm != JwtOptions.HS256)
            return ValidateOptionsResult.Fail($"Jwt:Algorithm {options.Algorithm} is not supported yet: use HS256.");
        return ValidateOptionsResult.Success;
    }
}
