using System.Text.Json.Serialization;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>The field names of ASP.NET Core Identity's AccessTokenResponse, so its clients can switch.</summary>
public sealed record TokensResponse(
    string TokenType,
    string AccessToken,
    int ExpiresIn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken)
{
    /// <summary>
    /// The response to a login or refresh: in cookie mode the refresh token travels only in the HttpOnly
    /// cookie, never in the body. Tokens are never cached (RFC 6749 §5.1).
    /// </summary>
    public static TokensResponse For(HttpContext context, TokenIssuer issuer, Guid userId, string email, Guid sessionId,
        RefreshToken refreshToken, bool useCookie)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (useCookie)
            RefreshCookie.Set(context, refreshToken);
        return new TokensResponse("Bearer", issuer.CreateAccessToken(userId, email, sessionId), issuer.AccessTokenSeconds,
            useCookie ? null : refreshToken.Value);
    }
}
