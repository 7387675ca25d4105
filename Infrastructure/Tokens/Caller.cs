using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>Who an authenticated request comes from, read from its validated access token.</summary>
public readonly record struct Caller(Guid UserId, string Email, Guid SessionId)
{
    /// <summary>
    /// The caller of an authenticated request. JwtBearerSetup refuses tokens that <see cref="Read"/> cannot
    /// read, so every authenticated request has one; a request authenticated from a remembered token
    /// carries the one read when the token was first validated.
    /// </summary>
    public static Caller From(ClaimsPrincipal user) =>
        user is CallerPrincipal principal
            ? principal.Caller
            : Read(user.Identity as ClaimsIdentity) ?? throw new InvalidOperationException("The request's identity names no user and session.");

    /// <summary>The caller a token's claims name: its `sub` and `sid` must be GUIDs; null when they are not.</summary>
    public static Caller? Read(ClaimsIdentity? identity)
    {
        string? subject = null, email = null, session = null;
        foreach (var claim in identity?.Claims ?? [])
        {
            switch (claim.Type)
            {
                case JwtRegisteredClaimNames.Sub: subject ??= claim.Value; break;
                case JwtRegisteredClaimNames.Email: email ??= claim.Value; break;
                case JwtRegisteredClaimNames.Sid: session ??= claim.Value; break;
            }
        }
        return Guid.TryParse(subject, out var userId) && Guid.TryParse(session, out var sessionId)
            ? new Caller(userId, email ?? "", sessionId)
            : null;
    }
}

/// <summary>The principal of a request authenticated from a remembered token, with its caller already read.</summary>
public sealed class CallerPrincipal(ClaimsIdentity identity, Caller caller) : ClaimsPrincipal(identity)
{
    public Caller Caller { get; } = caller;
}
