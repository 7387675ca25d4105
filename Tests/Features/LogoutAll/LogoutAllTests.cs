using SliceAuth.Tests.Features.Refresh;
using SliceAuth.Tests.Features.Sessions;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.LogoutAll;

public sealed class LogoutAllTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task logout_all_revokes_every_session_of_the_caller()
    {
        var (email, userId, first) = await api.NewSessionAsync();
        var second = await api.LoginAsync(email);
        var third = await api.LoginAsync(email);
        var secondRefreshed = await api.RefreshedAsync(second.RefreshToken!);
        var sids = new[] { first, second, third }.Select(t => RefreshScenarios.Sid(t.AccessToken)).ToArray();
        var (_, bobId, bob) = await api.NewSessionAsync();

        var result = await api.LogoutAllAsync(first.AccessToken, 204);

        Assert.Equal("", await result.ReadAsTextAsync());
        foreach (var sid in sids)
            await api.FamilyShouldBeRevokedAsync(sid);
        Assert.Equal(0L, await api.ScalarAsync<long>(
            "select count(*) from sessions where user_id = $1 and revoked_at is null", userId));
        Assert.Equal(0L, await api.ScalarAsync<long>(
            "select count(*) from refresh_tokens where user_id = $1 and revoked_at is null", userId));
        foreach (var token in new[] { first.RefreshToken!, secondRefreshed.RefreshToken!, third.RefreshToken!, second.RefreshToken! })
            await api.RefreshIsRejectedAsync(token);
        Assert.Empty(await api.SessionsAsync(first.AccessToken));

        await api.FamilyShouldBeLiveAsync(RefreshScenarios.Sid(bob.AccessToken));
        Assert.Equal(1L, await api.ScalarAsync<long>("select count(*) from sessions where user_id = $1 and revoked_at is null", bobId));
        Assert.Single(await api.SessionsAsync(bob.AccessToken));
        await api.RefreshedAsync(bob.RefreshToken!);
    }

    [Fact]
    public async Task the_access_token_already_issued_keeps_working()
    {
        var (email, userId, login) = await api.NewSessionAsync();

        await api.LogoutAllAsync(login.AccessToken, 204);

        var me = await (await api.MeAsync(login.AccessToken, 200)).BodyAsync();
        Assert.Equal(userId, me.GetProperty("id").GetGuid());
        Assert.Equal(email, me.GetProperty("email").GetString());
        // Logging in again opens a new session, unaffected by the earlier logout-all.
        var again = await api.LoginAsync(email);
        Assert.Equal([RefreshScenarios.Sid(again.AccessToken)], (await api.SessionsAsync(login.AccessToken)).Ids());
        await api.RefreshedAsync(again.RefreshToken!);
    }

    [Fact]
    public async Task logout_all_twice_is_no_content_and_keeps_the_first_revocation()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        await api.LogoutAllAsync(login.AccessToken, 204);
        var revokedAt = await api.SessionRevokedAtAsync(sid);

        await api.LogoutAllAsync(login.AccessToken, 204);

        Assert.Equal(revokedAt, await api.SessionRevokedAtAsync(sid));
    }

    [Fact]
    public async Task refreshes_racing_logout_all_leave_no_session_that_can_refresh()
    {
        for (var round = 0; round < 10; round++)
        {
            var (email, userId, chained) = await api.NewSessionAsync();
            var tabs = await api.LoginAsync(email);
            var idle = await api.LoginAsync(email);

            var (logoutAll, refreshes) = await api.RaceRefreshesAgainstAsync(chained, tabs, () => api.Host.Scenario(s =>
            {
                s.Post.Url(SessionScenarios.LogoutAllUrl);
                s.WithAccessToken(idle.AccessToken);
                s.IgnoreStatusCode();
            }));

            Assert.True(logoutAll.Context.Response.StatusCode == 204,
                $"round {round}: logout-all answered {logoutAll.Context.Response.StatusCode}: {await logoutAll.ReadAsTextAsync()}");
            await api.NoSessionCanRefreshAsync(userId, [chained, tabs, idle], refreshes);
        }
    }

    [Fact]
    public async Task logout_all_without_a_token_is_unauthorized()
    {
        var (_, _, login) = await api.NewSessionAsync();

        var result = await api.LogoutAllAsync(accessToken: null, 401);

        await result.ShouldBeUnauthorizedAsync();
        await api.FamilyShouldBeLiveAsync(RefreshScenarios.Sid(login.AccessToken));
        await api.RefreshedAsync(login.RefreshToken!);
    }
}
