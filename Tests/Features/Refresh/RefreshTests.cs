using System.Text.RegularExpressions;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Refresh;

public sealed class RefreshTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task refresh_rotates_the_token_within_the_session()
    {
        var (_, userId, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        api.Clock.Advance(TimeSpan.FromSeconds(3));

        var result = await api.RefreshAsync(login.RefreshToken!, 200);

        Assert.Equal("no-store", result.Context.Response.Headers.CacheControl.ToString());
        var body = await result.BodyAsync();
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal(900, body.GetProperty("expiresIn").GetInt32());
        var refreshed = (await result.ReadAsJsonAsync<Tokens>())!;
        Assert.False(string.IsNullOrEmpty(refreshed.RefreshToken));
        Assert.NotEqual(login.RefreshToken, refreshed.RefreshToken);
        Assert.NotEqual(login.AccessToken, refreshed.AccessToken);
        var claims = RefreshScenarios.Claims(refreshed.AccessToken);
        Assert.Equal(sid, RefreshScenarios.Sid(refreshed.AccessToken));
        Assert.Equal(userId.ToString(), claims.GetProperty("sub").GetString());

        Assert.NotNull(await api.TokenColumnAsync(login.RefreshToken!, "retired_at"));
        Assert.Null(await api.TokenColumnAsync(login.RefreshToken!, "revoked_at"));
        Assert.Null(await api.TokenColumnAsync(refreshed.RefreshToken!, "retired_at"));
        Assert.Equal(sid, await api.SessionOfAsync(login.RefreshToken!));
        Assert.Equal(sid, await api.SessionOfAsync(refreshed.RefreshToken!));
        Assert.Equal(userId, await api.ScalarAsync<Guid>($"select user_id from refresh_tokens where {RefreshScenarios.ByToken}", refreshed.RefreshToken!));
        Assert.Equal(2L, await api.TokenRowsAsync(sid));
        Assert.Equal(1L, await api.LiveTokenRowsAsync(sid));
        await api.FamilyShouldBeLiveAsync(sid);
    }

    [Fact]
    public async Task refresh_moves_the_session_last_use_and_expiry_to_the_newest_token()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var loginExpiry = await api.TokenColumnAsync(login.RefreshToken!, "expires_at");
        api.Clock.Advance(TimeSpan.FromSeconds(5));

        var refreshed = await api.RefreshedAsync(login.RefreshToken!);

        var listed = await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/sessions");
            s.WithRequestHeader("Authorization", $"Bearer {refreshed.AccessToken}");
            s.StatusCodeShouldBe(200);
        });
        var session = (await listed.BodyAsync()).EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == sid);
        var lastUsedAt = session.GetProperty("lastUsedAt").GetDateTime().ToUniversalTime();
        var expiresAt = session.GetProperty("expiresAt").GetDateTime().ToUniversalTime();
        Assert.True(lastUsedAt > session.GetProperty("createdAt").GetDateTime().ToUniversalTime());
        Assert.Equal(await api.TokenColumnAsync(refreshed.RefreshToken!, "created_at"), lastUsedAt);
        Assert.Equal(await api.TokenColumnAsync(refreshed.RefreshToken!, "expires_at"), expiresAt);
        Assert.InRange(expiresAt - loginExpiry!.Value, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(60));
        var newToken = await api.TokenColumnAsync(refreshed.RefreshToken!, "expires_at");
        var created = await api.TokenColumnAsync(refreshed.RefreshToken!, "created_at");
        Assert.InRange((newToken - created)!.Value, TimeSpan.FromDays(14) - TimeSpan.FromSeconds(1), TimeSpan.FromDays(14) + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task the_new_token_refreshes_again_in_the_same_session()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);

        var first = await api.RefreshedAsync(login.RefreshToken!);
        var second = await api.RefreshedAsync(first.RefreshToken!);
        var third = await api.RefreshedAsync(second.RefreshToken!);

        Assert.Equal(sid, RefreshScenarios.Sid(third.AccessToken));
        Assert.Equal(3, new[] { first, second, third }.Select(t => t.RefreshToken).Distinct().Count());
        Assert.Equal(4L, await api.TokenRowsAsync(sid));
        Assert.Equal(3L, await api.TokenRowsAsync(sid, "retired_at is not null"));
        Assert.Null(await api.TokenColumnAsync(third.RefreshToken!, "retired_at"));
    }

    [Fact]
    public async Task refresh_tokens_are_base64url_of_at_least_256_bits()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var refreshed = await api.RefreshedAsync(login.RefreshToken!);

        foreach (var token in new[] { login.RefreshToken!, refreshed.RefreshToken! })
        {
            Assert.Matches(new Regex("^[A-Za-z0-9_-]+$"), token);
            Assert.True(token.Length >= 43, $"{token.Length} characters carry fewer than 256 bits");
        }
    }

    [Fact]
    public async Task an_unknown_token_is_unauthorized()
    {
        var rows = await api.ScalarAsync<long>("select count(*) from refresh_tokens");

        await api.RefreshIsRejectedAsync("bm90LWEtcmVhbC1yZWZyZXNoLXRva2VuLWF0LWFsbC0xMjM0NTY3OA");

        Assert.Equal(rows, await api.ScalarAsync<long>("select count(*) from refresh_tokens"));
    }

    [Fact]
    public async Task a_token_revoked_by_logout_is_unauthorized()
    {
        var (_, _, login) = await api.NewSessionAsync();
        await api.LogoutAsync(login.RefreshToken!);

        await api.RefreshIsRejectedAsync(login.RefreshToken!);

        Assert.Equal(1L, await api.TokenRowsAsync(RefreshScenarios.Sid(login.AccessToken)));
    }


    [Fact]
    public async Task an_empty_json_body_counts_as_a_body_without_a_token()
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Text("").ToUrl(RefreshScenarios.RefreshUrl);
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("Content-Length", "0");
            s.StatusCodeShouldBe(400);
        });

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        Assert.NotEmpty(body.Errors("refreshToken"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"refreshToken\": null}")]
    [InlineData("{\"refreshToken\": \"\"}")]
    [InlineData("{\"refreshToken\": 5}")]
    public async Task a_body_without_a_token_string_is_a_validation_error_on_refresh_token(string json)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Text(json).ToUrl(RefreshScenarios.RefreshUrl);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        Assert.NotEmpty(body.Errors("refreshToken"));
    }


}
