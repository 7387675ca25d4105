using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Refresh;

public sealed class CookieModeTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<(string Email, string Cookie, Guid Sid)> CookieSessionAsync()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);
        var (login, cookie) = await api.LoginWithCookieAsync(email);
        var body = await login.BodyAsync();
        return (email, cookie, RefreshScenarios.Sid(body.GetProperty("accessToken").GetString()!));
    }

    [Fact]
    public async Task login_in_cookie_mode_sets_the_cookie_and_leaves_the_token_out_of_the_body()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);

        var (result, cookie) = await api.LoginWithCookieAsync(email);

        var body = await result.BodyAsync();
        Assert.False(body.TryGetProperty("refreshToken", out _), body.GetRawText());
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal("no-store", result.Context.Response.Headers.CacheControl.ToString());
        var sid = RefreshScenarios.Sid(body.GetProperty("accessToken").GetString()!);
        Assert.Equal(sid, await api.SessionOfAsync(cookie));
        var raw = result.Context.Response.Headers.SetCookie.ToString();
        Assert.Contains("max-age=1209600", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task refresh_in_cookie_mode_reads_the_cookie_and_sets_a_new_one()
    {
        var (_, cookie, sid) = await CookieSessionAsync();

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Url(RefreshScenarios.RefreshUrl).QueryString("useCookie", "true");
            s.WithRequestHeader("Cookie", $"{RefreshScenarios.CookieName}={cookie}");
            s.StatusCodeShouldBe(200);
        });

        var next = result.ShouldSetRefreshCookie();
        Assert.NotEqual(cookie, next);
        var body = await result.BodyAsync();
        Assert.False(body.TryGetProperty("refreshToken", out _), body.GetRawText());
        Assert.Equal(sid, RefreshScenarios.Sid(body.GetProperty("accessToken").GetString()!));
        Assert.Equal("no-store", result.Context.Response.Headers.CacheControl.ToString());
        Assert.NotNull(await api.TokenColumnAsync(cookie, "retired_at"));
        Assert.Equal(sid, await api.SessionOfAsync(next));
        Assert.Null(await api.TokenColumnAsync(next, "retired_at"));
    }

    [Fact]
    public async Task refresh_without_cookie_mode_reads_the_cookie_and_answers_in_the_body()
    {
        var (_, cookie, sid) = await CookieSessionAsync();

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Url(RefreshScenarios.RefreshUrl);
            s.WithRequestHeader("Cookie", $"{RefreshScenarios.CookieName}={cookie}");
            s.StatusCodeShouldBe(200);
        });

        var tokens = (await result.ReadAsJsonAsync<Tokens>())!;
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));
        Assert.NotEqual(cookie, tokens.RefreshToken);
        Assert.Equal(sid, RefreshScenarios.Sid(tokens.AccessToken));
        Assert.Null(result.RefreshCookie());
        Assert.NotNull(await api.TokenColumnAsync(cookie, "retired_at"));
        Assert.Equal(sid, await api.SessionOfAsync(tokens.RefreshToken!));
    }

    [Fact]
    public async Task the_body_token_wins_over_the_cookie()
    {
        var (_, cookie, cookieSid) = await CookieSessionAsync();
        var (_, _, bodyLogin) = await api.NewSessionAsync();
        var bodySid = RefreshScenarios.Sid(bodyLogin.AccessToken);

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken = bodyLogin.RefreshToken }).ToUrl(RefreshScenarios.RefreshUrl);
            s.WithRequestHeader("Cookie", $"{RefreshScenarios.CookieName}={cookie}");
            s.StatusCodeShouldBe(200);
        });

        var tokens = (await result.ReadAsJsonAsync<Tokens>())!;
        Assert.Equal(bodySid, RefreshScenarios.Sid(tokens.AccessToken));
        Assert.NotNull(await api.TokenColumnAsync(bodyLogin.RefreshToken!, "retired_at"));
        Assert.Null(await api.TokenColumnAsync(cookie, "retired_at"));
        Assert.Equal(1L, await api.TokenRowsAsync(cookieSid));
    }

    [Fact]
    public async Task an_unknown_cookie_is_unauthorized()
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Url(RefreshScenarios.RefreshUrl).QueryString("useCookie", "true");
            s.WithRequestHeader("Cookie", $"{RefreshScenarios.CookieName}=bm90LWEtcmVhbC1yZWZyZXNoLXRva2VuLWF0LWFsbC0xMjM0NTY3OA");
            s.StatusCodeShouldBe(401);
        });

        result.ShouldBeProblem(await result.BodyAsync(), 401);
    }
}
