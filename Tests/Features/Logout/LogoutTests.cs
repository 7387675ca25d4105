using SliceAuth.Tests.Features.Refresh;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Logout;

public sealed class LogoutTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string UnknownToken = "bm90LWEtcmVhbC1yZWZyZXNoLXRva2VuLWF0LWFsbC0xMjM0NTY3OA";

    [Fact]
    public async Task logout_revokes_the_whole_session()
    {
        var (email, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var other = await api.LoginAsync(email);
        var otherSid = RefreshScenarios.Sid(other.AccessToken);
        var current = await api.RefreshedAsync(login.RefreshToken!);
        var sibling = await api.RefreshedAsync(login.RefreshToken!);

        var result = await api.LogoutAsync(current.RefreshToken!);

        Assert.Equal("", await result.ReadAsTextAsync());
        await api.FamilyShouldBeRevokedAsync(sid);
        Assert.Equal(3L, await api.TokenRowsAsync(sid));
        await api.RefreshIsRejectedAsync(current.RefreshToken!);
        await api.RefreshIsRejectedAsync(sibling.RefreshToken!);
        await api.RefreshIsRejectedAsync(login.RefreshToken!);
        await api.FamilyShouldBeLiveAsync(otherSid);
        Assert.Equal(otherSid, RefreshScenarios.Sid((await api.RefreshedAsync(other.RefreshToken!)).AccessToken));
    }

    [Fact]
    public async Task logout_with_a_retired_token_of_the_session_revokes_its_successors()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var current = await api.RefreshedAsync(login.RefreshToken!);

        await api.LogoutAsync(login.RefreshToken!);

        await api.FamilyShouldBeRevokedAsync(sid);
        await api.RefreshIsRejectedAsync(current.RefreshToken!);
    }

    [Fact]
    public async Task logout_with_an_unknown_token_is_no_content_and_changes_nothing()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);

        var result = await api.LogoutAsync(UnknownToken);

        result.ShouldClearRefreshCookie();
        await api.FamilyShouldBeLiveAsync(sid);
        await api.RefreshedAsync(login.RefreshToken!);
    }

    [Fact]
    public async Task logout_with_an_already_revoked_token_is_no_content()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        await api.LogoutAsync(login.RefreshToken!);
        var revokedAt = await api.SessionRevokedAtAsync(sid);

        await api.LogoutAsync(login.RefreshToken!);

        Assert.Equal(revokedAt, await api.SessionRevokedAtAsync(sid));
        await api.FamilyShouldBeRevokedAsync(sid);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"refreshToken\": null}")]
    [InlineData("{\"refreshToken\": \"\"}")]
    public async Task logout_without_a_token_is_a_validation_error(string json)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Text(json).ToUrl(RefreshScenarios.LogoutUrl);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        Assert.NotEmpty(body.Errors("refreshToken"));
    }





    [Fact]
    public async Task cookie_only_logout_revokes_the_session_and_clears_the_cookie()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);
        var (login, cookie) = await api.LoginWithCookieAsync(email);
        var sid = RefreshScenarios.Sid((await login.BodyAsync()).GetProperty("accessToken").GetString()!);

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Url(RefreshScenarios.LogoutUrl);
            s.WithRequestHeader("Cookie", $"{RefreshScenarios.CookieName}={cookie}");
            s.StatusCodeShouldBe(204);
        });

        result.ShouldClearRefreshCookie();
        await api.FamilyShouldBeRevokedAsync(sid);
        await api.RefreshIsRejectedAsync(cookie);
    }

    [Fact]
    public async Task cookie_only_logout_with_a_zero_length_json_body_revokes_the_session()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);
        var (login, cookie) = await api.LoginWithCookieAsync(email);
        var sid = RefreshScenarios.Sid((await login.BodyAsync()).GetProperty("accessToken").GetString()!);

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Text("").ToUrl(RefreshScenarios.LogoutUrl);
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("Content-Length", "0");
            s.WithRequestHeader("Cookie", $"{RefreshScenarios.CookieName}={cookie}");
            s.StatusCodeShouldBe(204);
        });

        result.ShouldClearRefreshCookie();
        await api.FamilyShouldBeRevokedAsync(sid);
    }

    [Fact]
    public async Task logout_with_a_body_token_clears_the_cookie_too()
    {
        var (_, _, login) = await api.NewSessionAsync();

        var result = await api.LogoutAsync(login.RefreshToken!);

        result.ShouldClearRefreshCookie();
        var raw = result.Context.Response.Headers.SetCookie.ToString();
        Assert.StartsWith($"{RefreshScenarios.CookieName}=;", raw);
    }

    [Fact]
    public async Task logout_without_a_token_still_clears_the_cookie()
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl(RefreshScenarios.LogoutUrl);
            s.StatusCodeShouldBe(400);
        });

        result.ShouldClearRefreshCookie();
    }

    [Fact]
    public async Task the_body_token_wins_over_the_cookie_on_logout()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);
        var (cookieLogin, cookie) = await api.LoginWithCookieAsync(email);
        var cookieSid = RefreshScenarios.Sid((await cookieLogin.BodyAsync()).GetProperty("accessToken").GetString()!);
        var bodyLogin = await api.LoginAsync(email);
        var bodySid = RefreshScenarios.Sid(bodyLogin.AccessToken);

        await api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken = bodyLogin.RefreshToken }).ToUrl(RefreshScenarios.LogoutUrl);
            s.WithRequestHeader("Cookie", $"{RefreshScenarios.CookieName}={cookie}");
            s.StatusCodeShouldBe(204);
        });

        await api.FamilyShouldBeRevokedAsync(bodySid);
        await api.FamilyShouldBeLiveAsync(cookieSid);
    }
}
