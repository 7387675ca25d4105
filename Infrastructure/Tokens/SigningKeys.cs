using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>
/// The key that signs access tokens and the keys that verify them, read once at start-up. HS256 uses one
/// shared secret; RS256 and ES256 use PEM keys, each identified by its RFC 7638 thumbprint as `kid`.
/// </summary>
public sealed class SigningKeys
{
    public const int MinHmacKeyBytes = 32;
    public const int MinRsaKeyBits = 2048;

    public const string InvalidSecretMessage =
        "Jwt:SigningKey must be base64 (standard or URL-safe) of at least 32 random bytes, e.g. `openssl rand -base64 48`.";

    public SigningKeys(IOptions<JwtOptions> options, IHostEnvironment environment, ILogger<SigningKeys> logger)
    {
        var jwt = options.Value;
        Algorithm = jwt.Algorithm;
        var keys = jwt.Algorithm == JwtOptions.HS256
            ? [HmacKey(jwt, environment, logger)]
            : AsymmetricKeys(jwt, environment, logger);
        Verification = keys;
        Signing = new SigningCredentials(keys[^1], Algorithm);
    }

    public string Algorithm { get; }

    public SigningCredentials Signing { get; }

    /// <summary>Every key a token may be signed with: the signing key and retired keys still published.</summary>
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

    /// <summary>The PEM files that hold the keys, in order: the last one signs.</summary>
    public static IReadOnlyList<string> KeyFiles(JwtOptions jwt)
    {
        if (!string.IsNullOrWhiteSpace(jwt.KeysDirectory))
            return Directory.Exists(jwt.KeysDirectory)
                ? Directory.GetFiles(jwt.KeysDirectory, "*.pem").OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList()
                : [];
        return string.IsNullOrWhiteSpace(jwt.KeyFile) ? [] : [jwt.KeyFile];
    }

    /// <summary>Reads one PEM key for the algorithm; the reason it cannot be used when it cannot.</summary>
    private static (AsymmetricSecurityKey? Key, string? Error) ReadPem(string algorithm, string path)
    {
        if (!File.Exists(path))
            return (null, $"the key file {path} does not exist");
        var pem = File.ReadAllText(path);
        try
        {
            if (algorithm == JwtOptions.RS256)
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                return rsa.KeySize < MinRsaKeyBits
                    ? (null, $"the RSA key in {path} has {rsa.KeySize} bits; RS256 needs at least {MinRsaKeyBits}")
                    : (WithThumbprint(new RsaSecurityKey(rsa)), null);
            }
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            return ecdsa.ExportParameters(false).Curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256"
                ? (WithThumbprint(new ECDsaSecurityKey(ecdsa)), null)
                : (null, $"the key in {path} is not on the P-256 curve that ES256 needs");
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return (null, $"the key file {path} does not hold a PEM {(algorithm == JwtOptions.RS256 ? "RSA" : "EC")} key");
        }
    }

    private static SymmetricSecurityKey HmacKey(JwtOptions jwt, IHostEnvironment environment, ILogger logger)
    {
        byte[] secret;
        if (string.IsNullOrWhiteSpace(jwt.SigningKey) && environment.IsDevelopment())
        {
            secret = RandomNumberGenerator.GetBytes(64);
            logger.LogWarning("Jwt:SigningKey is not set: using an ephemeral key, so tokens stop verifying when the API restarts. Set Jwt__SigningKey (openssl rand -base64 48).");
        }
        else
        {
            secret = DecodeHmacSecret(jwt.SigningKey) ?? throw new StartupFailure(InvalidSecretMessage);
        }
        return new SymmetricSecurityKey(secret) { KeyId = string.IsNullOrWhiteSpace(jwt.KeyId) ? null : jwt.KeyId };
    }

    private static List<SecurityKey> AsymmetricKeys(JwtOptions jwt, IHostEnvironment environment, ILogger logger)
    {
        var files = KeyFiles(jwt);
        if (files.Count == 0 && environment.IsDevelopment() && string.IsNullOrWhiteSpace(jwt.KeyFile) && string.IsNullOrWhiteSpace(jwt.KeysDirectory))
        {
            logger.LogWarning("Jwt:KeyFile is not set: using an ephemeral {Algorithm} key, so tokens stop verifying when the API restarts.", jwt.Algorithm);
            return [jwt.Algorithm == JwtOptions.RS256
                ? WithThumbprint(new RsaSecurityKey(RSA.Create(MinRsaKeyBits)))
                : WithThumbprint(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)))];
        }
        var keys = new List<SecurityKey>();
        foreach (var file in files)
        {
            var (key, error) = ReadPem(jwt.Algorithm, file);
            keys.Add(key ?? throw new StartupFailure($"Jwt:KeyFile: {error}."));
        }
        if (keys.Count == 0)
            throw new StartupFailure($"Jwt:KeyFile: {jwt.Algorithm} needs a PEM private key: set Jwt__KeyFile, or Jwt__KeysDirectory to a folder of *.pem keys.");
        if (!keys[^1].IsSigningKey())
            throw new StartupFailure($"Jwt:KeyFile: the signing key {files[^1]} is a public key; it must be a private key.");
        return keys;
    }

    private static AsymmetricSecurityKey WithThumbprint(AsymmetricSecurityKey key)
    {
        var jwk = key is RsaSecurityKey rsa
            ? JsonWebKeyConverter.ConvertFromRSASecurityKey(rsa)
            : JsonWebKeyConverter.ConvertFromECDsaSecurityKey((ECDsaSecurityKey)key);
        key.KeyId = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
        return key;
    }
}

internal static class SecurityKeyExtensions
{
    /// <summary>Whether the key holds its private part, i.e. can sign.</summary>
    public static bool IsSigningKey(this SecurityKey key)
    {
        try
        {
            return key switch
            {
                RsaSecurityKey { Rsa: { } rsa } => rsa.ExportParameters(true).D is not null,
                ECDsaSecurityKey { ECDsa: { } ec } => ec.ExportParameters(true).D is not null,
                _ => true,
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>
/// Fails the start, naming the setting, when no usable key is configured. Key files are read, and
/// refused with the reason, once: when SigningKeys loads them.
/// </summary>
public sealed class ValidateJwtOptions(IHostEnvironment environment) : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        var ephemeralAllowed = environment.IsDevelopment();
        if (options.Algorithm == JwtOptions.HS256)
            return SigningKeys.DecodeHmacSecret(options.SigningKey) is not null
                   || ephemeralAllowed && string.IsNullOrWhiteSpace(options.SigningKey)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(SigningKeys.InvalidSecretMessage);
        return SigningKeys.KeyFiles(options).Count > 0
               || ephemeralAllowed && string.IsNullOrWhiteSpace(options.KeyFile) && string.IsNullOrWhiteSpace(options.KeysDirectory)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Jwt:KeyFile: {options.Algorithm} needs a PEM private key: set Jwt__KeyFile, or Jwt__KeysDirectory to a folder of *.pem keys.");
    }
}
