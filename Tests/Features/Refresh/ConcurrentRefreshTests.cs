using Alba;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Refresh;

internal static class Race
{
    public const int Tabs = 10;

    /// <summary>The same refresh token presented by many tabs at once; every answer is returned, whatever its status.</summary>
    public static async Task<IScenarioResult[]> RefreshAtOnceAsync(this ApiFixture api, string refreshToken)
    {
        using var start = new ManualResetEventSlim();
        var tabs = Enumerable.Range(0, Tabs).Select(_ => Task.Run(() =>
        {
            start.Wait();
            return api.Host.Scenario(s =>
            {
                s.Post.Json(new { refreshToken }).ToUrl(RefreshScenarios.RefreshUrl);
                s.IgnoreStatusCode();
            });
        })).ToArray();
        start.Set();
        return await Task.WhenAll(tabs);
    }
}

public sealed class ConcurrentRefreshTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task concurrent_refreshes_within_the_grace_all_get_tokens_of_one_session()
    {
        var (_, userId, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);

        var results = await api.RefreshAtOnceAsync(login.RefreshToken!);

        Assert.All(results, r => Assert.Equal(200, r.Context.Response.StatusCode));
        var tokens = new List<Tokens>();
        foreach (var result in results)
            tokens.Add((await result.ReadAsJsonAsync<Tokens>())!);
        Assert.All(tokens, t => Assert.Equal(sid, RefreshScenarios.Sid(t.AccessToken)));
        Assert.Equal(Race.Tabs, tokens.Select(t => t.RefreshToken).Distinct().Count());
        foreach (var token in tokens)
            Assert.Equal(sid, await api.SessionOfAsync(token.RefreshToken!));
        Assert.Equal(1L, await api.ScalarAsync<long>("select count(*) from sessions where user_id = $1", userId));
        Assert.Equal((long)Race.Tabs, await api.LiveTokenRowsAsync(sid));
        Assert.Equal(1L, await api.TokenRowsAsync(sid, "retired_at is not null"));
        Assert.Equal(Race.Tabs + 1L, await api.TokenRowsAsync(sid));
        await api.FamilyShouldBeLiveAsync(sid);
    }

    [Fact]
    public async Task every_token_of_a_concurrent_refresh_keeps_refreshing_within_the_family()
    {
        var (_, _, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var results = await api.RefreshAtOnceAsync(login.RefreshToken!);
        Assert.All(results, r => Assert.Equal(200, r.Context.Response.StatusCode));

        foreach (var result in results)
        {
            var next = await api.RefreshedAsync((await result.ReadAsJsonAsync<Tokens>())!.RefreshToken!);
            Assert.Equal(sid, RefreshScenarios.Sid(next.AccessToken));
        }
        await api.FamilyShouldBeLiveAsync(sid);
    }
}

/// <summary>
/// Without a grace window, the tab that loses the race presents a token the winner has just retired:
/// by the contract that is reuse, so it answers 401 and the whole family is revoked, the winner's new
/// token included. Either way no second live chain can come out of the race.
/// </summary>
public sealed class ConcurrentRefreshWithoutGraceTests(NoGraceFixture api) : IClassFixture<NoGraceFixture>
{
    [Fact]
    public async Task concurrent_refreshes_without_grace_mint_one_token_and_revoke_the_family()
    {
        var (email, userId, login) = await api.NewSessionAsync();
        var sid = RefreshScenarios.Sid(login.AccessToken);
        var other = await api.LoginAsync(email);

        var results = await api.RefreshAtOnceAsync(login.RefreshToken!);

        var statuses = results.Select(r => r.Context.Response.StatusCode).ToArray();
        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(Race.Tabs - 1, statuses.Count(s => s == 401));
        var winner = (await results.Single(r => r.Context.Response.StatusCode == 200).ReadAsJsonAsync<Tokens>())!;
        Assert.Equal(sid, RefreshScenarios.Sid(winner.AccessToken));
        Assert.Equal(2L, await api.TokenRowsAsync(sid));
        Assert.Equal(0L, await api.LiveTokenRowsAsync(sid));
        await api.FamilyShouldBeRevokedAsync(sid);
        await api.RefreshIsRejectedAsync(winner.RefreshToken!);
        Assert.Equal(1L, await api.ScalarAsync<long>(
            "select count(*) from refresh_tokens where user_id = $1 and retired_at is null and revoked_at is null", userId));
        await api.RefreshedAsync(other.RefreshToken!);
    }
}
