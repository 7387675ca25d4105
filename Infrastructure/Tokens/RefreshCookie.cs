using SliceAuth.Infrastructure.Http;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>Cookie mode: the refresh token out of reach of page scripts, sent only to /auth.</summary>
public static class RefreshCookie
{
    public const string Name = "refresh_token";

    public static void Set(HttpContext context, RefreshToken token) =>
        context.Response.Cookies.Append(Name, token.Value, Options(token.Lifetime));

    /// <summary>The refresh token a request presents: the body's when it has one, else the cookie's.</summary>
    public static string? Presented(HttpContext context, string? fromBody) =>
        !string.IsNullOrEmpty(fromBody) ? fromBody
        : context.Request.Cookies.TryGetValue(Name, out var value) && !string.IsNullOrEmpty(value) ? value
        : null;

    public static void Clear(HttpContext context) => context.Response.Cookies.Delete(Name, Options(null));

    private static CookieOptions Options(TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = ApiRoutes.AuthPrefix,
        MaxAge = maxAge,
    };
}
