using System.Buffers.Text;
using System.Text.Json;
using Alba;
using Microsoft.Net.Http.Headers;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Refresh;

/// <summary>The refresh and logout calls, and the reads of tokens and rows, that the refresh and logout scenarios share.</summary>
public static class RefreshScenarios
{
    public const string RefreshUrl = "/auth/refresh";
    public const string LogoutUrl = "/auth/logout";
    public const string CookieName = "refresh_token";
    public const int RefreshLifetimeSeconds = 14 * 24 * 60 * 60;

    /// <summary>Where a refresh token's row is found: by the SHA-256 of its UTF-8 bytes, as the contract stores it.</summary>
    public const string ByToken = "token_hash = sha256(convert_to($1, 'UTF8'))";

    public static Task<IScenarioResult> RefreshAsync(this ApiFixture api, string refreshToken, int status) =>
        api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken }).ToUrl(RefreshUrl);
            s.StatusCodeShouldBe(status);
        });

    /// <summary>A refresh that must succeed; returns the new tokens.</summary>
    public static async Task<Tokens> RefreshedAsync(this ApiFixture api, string refreshToken) =>
        (await (await api.RefreshAsync(refreshToken, 200)).ReadAsJsonAsync<Tokens>())!;

    /// <summary>A refresh that must fail as a 401 problem.</summary>
    public static async Task RefreshIsRejectedAsync(this ApiFixture api, string refreshToken)
    {
        var result = await api.RefreshAsync(refreshToken, 401);
        result.ShouldBeProblem(await result.BodyAsync(), 401);
    }

    public static Task<IScenarioResult> LogoutAsync(this ApiFixture api, string refreshToken, int status = 204) =>
        api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken }).ToUrl(LogoutUrl);
            s.StatusCodeShouldBe(status);
        });

    public static JsonElement Claims(string jwt) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement;

    /// <summary>The access token's `sid` claim: the session it was issued for.</summary>
    public static Guid Sid(string jwt) => Guid.Parse(Claims(jwt).GetProperty("sid").GetString()!);

    public static async Task<Guid> SessionOfAsync(this ApiFixture api, string refreshToken) =>
        await api.ScalarAsync<Guid>($"select session_id from refresh_tokens where {ByToken}", refreshToken);

    public static Task<DateTime?> TokenColumnAsync(this ApiFixture api, string refreshToken, string column) =>
        api.ScalarAsync<DateTime?>($"select {column} from refresh_tokens where {ByToken}", refreshToken);

    public static Task<DateTime?> SessionRevokedAtAsync(this ApiFixture api, Guid sessionId) =>
        api.ScalarAsync<DateTime?>("select revoked_at from sessions where id = $1", sessionId);

    public static Task<long> TokenRowsAsync(this ApiFixture api, Guid sessionId, string condition = "true") =>
        api.ScalarAsync<long>($"select count(*) from refresh_tokens where session_id = $1 and ({condition})", sessionId);

    /// <summary>Tokens that would still refresh by rotation: neither retired nor revoked.</summary>
    public static Task<long> LiveTokenRowsAsync(this ApiFixture api, Guid sessionId) =>
        api.TokenRowsAsync(sessionId, "retired_at is null and revoked_at is null");

    /// <summary>Asserts the session and every token row of it are revoked.</summary>
    public static async Task FamilyShouldBeRevokedAsync(this ApiFixture api, Guid sessionId)
    {
        Assert.NotNull(await api.SessionRevokedAtAsync(sessionId));
        Assert.True(await api.TokenRowsAsync(sessionId) > 0, "the session has no refresh token rows");
        Assert.Equal(0L, await api.TokenRowsAsync(sessionId, "revoked_at is null"));
    }

    public static async Task FamilyShouldBeLiveAsync(this ApiFixture api, Guid sessionId)
    {
        Assert.Null(await api.SessionRevokedAtAsync(sessionId));
        Assert.Equal(0L, await api.TokenRowsAsync(sessionId, "revoked_at is not null"));
    }

    public static IReadOnlyList<SetCookieHeaderValue> SetCookies(this IScenarioResult result) =>
        SetCookieHeaderValue.ParseList(result.Context.Response.Headers.SetCookie.OfType<string>().ToList()).ToList();

    /// <summary>The one refresh_token cookie the response sets, or null when it sets none.</summary>
    public static SetCookieHeaderValue? RefreshCookie(this IScenarioResult result) =>
        result.SetCookies().SingleOrDefault(c => c.Name.Equals(CookieName, StringComparison.Ordinal));

    /// <summary>Asserts a refresh_token cookie as the contract sets it, and returns its value.</summary>
    public static string ShouldSetRefreshCookie(this IScenarioResult result)
    {
        var cookie = result.RefreshCookie();
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly, "HttpOnly");
        Assert.True(cookie.Secure, "Secure");
        Assert.Equal(SameSiteMode.Strict, cookie.SameSite);
        Assert.Equal("/auth", cookie.Path.ToString());
        Assert.Equal(TimeSpan.FromSeconds(RefreshLifetimeSeconds), cookie.MaxAge);
        Assert.False(string.IsNullOrEmpty(cookie.Value.ToString()));
        return cookie.Value.ToString();
    }

    /// <summary>Asserts the response deletes the refresh_token cookie: empty, expired, on the same path.</summary>
    public static void ShouldClearRefreshCookie(this IScenarioResult result)
    {
        var cookie = result.RefreshCookie();
        Assert.NotNull(cookie);
        Assert.Equal("", cookie.Value.ToString());
        Assert.Equal("/auth", cookie.Path.ToString());
        Assert.True(cookie.Expires < DateTimeOffset.UtcNow || cookie.MaxAge <= TimeSpan.Zero,
            $"the cookie is not expired: {cookie}");
    }

    /// <summary>Logs in in cookie mode and returns the refresh token the cookie holds.</summary>
    public static async Task<(IScenarioResult Result, string Cookie)> LoginWithCookieAsync(this ApiFixture api, string email)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = ApiFixture.StrongPassword }).ToUrl("/auth/login").QueryString("useCookie", "true");
            s.StatusCodeShouldBe(200);
        });
        return (result, result.ShouldSetRefreshCookie());
    }
}
