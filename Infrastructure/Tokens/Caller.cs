using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>Who an authenticated request comes from, read from its validated access token.</summary>
public readonly record struct Caller(Guid UserId, string Email, Guid SessionId)
{
    /// <summary>JwtBearerSetup rejects tokens without a GUID `sub` and `sid`, so these parse.</summary>
    public static Caller From(ClaimsPrincipal user) => new(
        Guid.Parse(user.FindFirst(JwtRegisteredClaimNames.Sub)!.Value),
        user.FindFirst(JwtRegisteredClaimNames.Email)?.Value ?? "",
        Guid.Parse(user.FindFirst(JwtRegisteredClaimNames.Sid)!.Value));
}
