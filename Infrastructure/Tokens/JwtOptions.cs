using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace SliceAuth.Infrastructure.Tokens;

public sealed class JwtOptions
{
    public const string Section = "Jwt";
    public const string HS256 = "HS256";
    public const string RS256 = "RS256";
    public const string ES256 = "ES256";

    [RegularExpression("^(HS256|RS256|ES256)$", ErrorMessage = "Jwt:Algorithm must be HS256, RS256 or ES256.")]
    public string Algorithm { get; set; } = HS256;

    /// <summary>HS256 secret: base64 (standard or URL-safe) of at least 32 random bytes.</summary>
    public string? SigningKey { get; set; }

    /// <summary>RS256/ES256: one PEM private key.</summary>
    public string? KeyFile { get; set; }

    /// <summary>RS256/ES256: a folder of PEM private keys; the one whose name sorts last signs.</summary>
    public string? KeysDirectory { get; set; }

    /// <summary>HS256: the `kid` to put in token headers (none when unset).</summary>
    public string? KeyId { get; set; }

    [Required]
    public string Issuer { get; set; } = "sliceauth";

    [Required]
    public string Audience { get; set; } = "sliceauth";

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = NativeBuild.OwnTypesKept)]

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = NativeBuild.OwnTypesKept)]

    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long a retired refresh token still mints a sibling instead of counting as reuse; zero disables.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = NativeBuild.OwnTypesKept)]
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.FromSeconds(10);
}
