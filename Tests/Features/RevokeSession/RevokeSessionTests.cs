using SliceAuth.Tests.Features.Refresh;
using SliceAuth.Tests.Features.Sessions;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.RevokeSession;

public sealed class RevokeSessionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task revoking_another_of_your_sessions_ends_it()
    {
        var (email, _, kept) = await api.NewSessionAsync();
        var other = await api.LoginAsync(email);
        var otherSid = RefreshScenarios.Sid(other.AccessToken);
        var otherRefreshed = await api.RefreshedAsync(other.RefreshToken!);

        var result = await api.RevokeSessionAsync(kept.AccessToken, otherSid.ToString(), 204);

        Assert.Equal("", await result.ReadAsTextAsync());
        Assert.Equal([RefreshScenarios.Sid(kept.AccessToken)], (await api.SessionsAsync(kept.AccessToken)).Ids());
        await api.FamilyShouldBeRevokedAsync(otherSid);
        Assert.Equal(2L, await api.TokenRowsAsync(otherSid));
        await api.RefreshIsRejectedAsync(otherRefreshed.RefreshToken!);
        await api.RefreshIsRejectedAsync(other.RefreshToken!);
        await api.FamilyShouldBeLiveAsync(RefreshScenarios.Sid(kept.AccessToken));
        await api.RefreshedAsync(kept.RefreshToken!);
    }

    [Fact]
    public async Task revoking_the_current_session_ends_it_but_its_access_token_lives_on()
    {
        var (email, userId, current) = await api.NewSessionAsync();
        var other = await api.LoginAsync(email);
        var sid = RefreshScenarios.Sid(current.AccessToken);

        await api.RevokeSessionAsync(current.AccessToken, sid.ToString(), 204);

        await api.FamilyShouldBeRevokedAsync(sid);
        await api.RefreshIsRejectedAsync(current.RefreshToken!);
        // Verification is stateless: the access token keeps working until it expires.
        var me = await (await api.MeAsync(current.AccessToken, 200)).BodyAsync();
        Assert.Equal(userId, me.GetProperty("id").GetGuid());
        Assert.Equal([RefreshScenarios.Sid(other.AccessToken)], (await api.SessionsAsync(current.AccessToken)).Ids());
        await api.FamilyShouldBeLiveAsync(RefreshScenarios.Sid(other.AccessToken));
        await api.RefreshedAsync(other.RefreshToken!);
    }

    [Fact]
    public async Task another_users_session_is_not_found_and_keeps_working()
    {
        var (_, _, alice) = await api.NewSessionAsync();
        var (_, _, bob) = await api.NewSessionAsync();
        var bobSid = RefreshScenarios.Sid(bob.AccessToken);

        var result = await api.RevokeSessionAsync(alice.AccessToken, bobSid.ToString(), 404);

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 404);
        await api.FamilyShouldBeLiveAsync(bobSid);
        Assert.Equal([bobSid], (await api.SessionsAsync(bob.AccessToken)).Ids());
        Assert.Equal(bobSid, RefreshScenarios.Sid((await api.RefreshedAsync(bob.RefreshToken!)).AccessToken));

        // Not told apart from an id that exists nowhere, so session ids cannot be probed.
        var unknown = await (await api.RevokeSessionAsync(alice.AccessToken, Guid.NewGuid().ToString(), 404)).BodyAsync();
        Assert.Equal(unknown.GetProperty("title").GetString(), body.GetProperty("title").GetString());
        Assert.Equal(unknown.TryGetProperty("detail", out var d1) ? d1.GetString() : null,
            body.TryGetProperty("detail", out var d2) ? d2.GetString() : null);
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("abc")]
    [InlineData("12345")]
    public async Task an_unknown_or_malformed_id_is_not_found(string id)
    {
        var (_, userId, login) = await api.NewSessionAsync();
        var sessionId = id == "unknown" ? Guid.NewGuid().ToString() : id;

        var result = await api.RevokeSessionAsync(login.AccessToken, sessionId, 404);

        result.ShouldBeProblem(await result.BodyAsync(), 404);
        Assert.Equal(0L, await api.ScalarAsync<long>("select count(*) from sessions where user_id = $1 and revoked_at is not null", userId));
        await api.RefreshedAsync(login.RefreshToken!);
    }

    [Fact]
    public async Task an_already_revoked_session_is_not_found()
    {
        var (email, _, caller) = await api.NewSessionAsync();
        var ended = await api.LoginAsync(email);
        var endedSid = RefreshScenarios.Sid(ended.AccessToken);
        await api.RevokeSessionAsync(caller.AccessToken, endedSid.ToString(), 204);
        var revokedAt = await api.SessionRevokedAtAsync(endedSid);

        var result = await api.RevokeSessionAsync(caller.AccessToken, endedSid.ToString(), 404);

        result.ShouldBeProblem(await result.BodyAsync(), 404);
        Assert.Equal(revokedAt, await api.SessionRevokedAtAsync(endedSid));
    }

    [Fact]
    public async Task a_session_ended_by_logout_is_not_found()
    {
        var (email, _, caller) = await api.NewSessionAsync();
        var ended = await api.LoginAsync(email);
        await api.LogoutAsync(ended.RefreshToken!);

        var result = await api.RevokeSessionAsync(caller.AccessToken, RefreshScenarios.Sid(ended.AccessToken).ToString(), 404);

        result.ShouldBeProblem(await result.BodyAsync(), 404);
    }

    [Fact]
    public async Task revoking_a_session_without_a_token_is_unauthorized()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);

        var result = await api.RevokeSessionAsync(accessToken: null, sid.ToString(), 401);

        await result.ShouldBeUnauthorizedAsync();
        await api.FamilyShouldBeLiveAsync(sid);
        await api.RefreshedAsync(login.RefreshToken!);
    }
}
