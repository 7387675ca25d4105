using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Refresh;

/// <summary>Reuse detection and the grace window, with the default 10-second grace.</summary>
public sealed class ReuseTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan PastTheGrace = TimeSpan.FromSeconds(11);

    [Fact]
    public async Task reused_token_after_grace_revokes_the_family()
    {
        var (email, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var other = await api.LoginAsync(email);
        var otherSid = RefreshScenarios.Sid(other.AccessToken);
        var current = await api.RefreshedAsync(login.RefreshToken!);
        api.Clock.Advance(PastTheGrace);

        await api.RefreshIsRejectedAsync(login.RefreshToken!);

        await api.FamilyShouldBeRevokedAsync(sid);
        Assert.Equal(2L, await api.TokenRowsAsync(sid));
        await api.RefreshIsRejectedAsync(current.RefreshToken!);
        await api.FamilyShouldBeLiveAsync(otherSid);
        var otherRefreshed = await api.RefreshedAsync(other.RefreshToken!);
        Assert.Equal(otherSid, RefreshScenarios.Sid(otherRefreshed.AccessToken));
    }

    [Fact]
    public async Task reuse_deep_in_the_chain_revokes_every_token_of_the_family()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var first = await api.RefreshedAsync(login.RefreshToken!);
        var second = await api.RefreshedAsync(first.RefreshToken!);
        var third = await api.RefreshedAsync(second.RefreshToken!);
        api.Clock.Advance(PastTheGrace);

        await api.RefreshIsRejectedAsync(first.RefreshToken!);

        await api.FamilyShouldBeRevokedAsync(sid);
        Assert.Equal(4L, await api.TokenRowsAsync(sid));
        await api.RefreshIsRejectedAsync(third.RefreshToken!);
        await api.RefreshIsRejectedAsync(login.RefreshToken!);
    }

    [Fact]
    public async Task a_retired_token_within_the_grace_window_gets_a_sibling_in_the_same_session()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var current = await api.RefreshedAsync(login.RefreshToken!);

        var sibling = await api.RefreshedAsync(login.RefreshToken!);

        Assert.Equal(sid, RefreshScenarios.Sid(sibling.AccessToken));
        Assert.NotEqual(current.RefreshToken, sibling.RefreshToken);
        Assert.NotEqual(login.RefreshToken, sibling.RefreshToken);
        Assert.Equal(sid, await api.SessionOfAsync(sibling.RefreshToken!));
        await api.FamilyShouldBeLiveAsync(sid);
        Assert.Equal(3L, await api.TokenRowsAsync(sid));
        // The session now expires with its newest token, the sibling.
        Assert.True(await api.ScalarAsync<bool>("""
            select max(t.expires_at) = (select expires_at from refresh_tokens where token_hash = sha256(convert_to($2, 'UTF8')))
            from refresh_tokens t
            where t.session_id = $1
            """, sid, sibling.RefreshToken!));
    }

    [Fact]
    public async Task a_sibling_is_not_counted_as_reuse_so_the_chain_keeps_working()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var current = await api.RefreshedAsync(login.RefreshToken!);
        var sibling = await api.RefreshedAsync(login.RefreshToken!);

        var next = await api.RefreshedAsync(current.RefreshToken!);
        var siblingNext = await api.RefreshedAsync(sibling.RefreshToken!);

        Assert.Equal(sid, RefreshScenarios.Sid(next.AccessToken));
        Assert.Equal(sid, RefreshScenarios.Sid(siblingNext.AccessToken));
        await api.FamilyShouldBeLiveAsync(sid);
        Assert.Equal(1L, await api.ScalarAsync<long>("select count(*) from sessions where id = $1", sid));
    }

    [Fact]
    public async Task siblings_are_revoked_with_the_family_on_logout()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var current = await api.RefreshedAsync(login.RefreshToken!);
        var sibling = await api.RefreshedAsync(login.RefreshToken!);

        await api.LogoutAsync(sibling.RefreshToken!);

        await api.FamilyShouldBeRevokedAsync(sid);
        await api.RefreshIsRejectedAsync(current.RefreshToken!);
        await api.RefreshIsRejectedAsync(sibling.RefreshToken!);
        await api.RefreshIsRejectedAsync(login.RefreshToken!);
    }

    [Fact]
    public async Task siblings_are_revoked_with_the_family_on_reuse_after_the_grace()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var current = await api.RefreshedAsync(login.RefreshToken!);
        var sibling = await api.RefreshedAsync(login.RefreshToken!);
        api.Clock.Advance(PastTheGrace);

        await api.RefreshIsRejectedAsync(login.RefreshToken!);

        await api.FamilyShouldBeRevokedAsync(sid);
        await api.RefreshIsRejectedAsync(sibling.RefreshToken!);
        await api.RefreshIsRejectedAsync(current.RefreshToken!);
    }

    [Fact]
    public async Task the_grace_window_counts_from_the_retirement_not_from_the_first_sibling()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        await api.RefreshedAsync(login.RefreshToken!);
        api.Clock.Advance(TimeSpan.FromSeconds(6));
        await api.RefreshedAsync(login.RefreshToken!);
        api.Clock.Advance(TimeSpan.FromSeconds(6));

        await api.RefreshIsRejectedAsync(login.RefreshToken!);

        await api.FamilyShouldBeRevokedAsync(sid);
    }
}

public sealed class NoGraceFixture : ApiFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jwt:RefreshReuseGrace"] = "00:00:00",
    };
}

/// <summary>With the grace window disabled, every second presentation of a retired token is reuse.</summary>
public sealed class ReuseWithoutGraceTests(NoGraceFixture api) : IClassFixture<NoGraceFixture>
{
    [Fact]
    public async Task reused_token_revokes_the_family_at_once()
    {
        var (email, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var other = await api.LoginAsync(email);
        var otherSid = RefreshScenarios.Sid(other.AccessToken);
        var current = await api.RefreshedAsync(login.RefreshToken!);

        await api.RefreshIsRejectedAsync(login.RefreshToken!);

        await api.FamilyShouldBeRevokedAsync(sid);
        Assert.Equal(2L, await api.TokenRowsAsync(sid));
        await api.RefreshIsRejectedAsync(current.RefreshToken!);
        await api.FamilyShouldBeLiveAsync(otherSid);
        Assert.Equal(otherSid, RefreshScenarios.Sid((await api.RefreshedAsync(other.RefreshToken!)).AccessToken));
    }

    [Fact]
    public async Task rotation_still_works_without_a_grace_window()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);

        var first = await api.RefreshedAsync(login.RefreshToken!);
        var second = await api.RefreshedAsync(first.RefreshToken!);

        Assert.Equal(sid, RefreshScenarios.Sid(second.AccessToken));
        await api.FamilyShouldBeLiveAsync(sid);
        Assert.Equal(1L, await api.LiveTokenRowsAsync(sid));
    }
}
