using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Refresh;

/// <summary>Its own host, because it moves the clock weeks ahead.</summary>
public sealed class ExpiryTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_token_refreshes_until_14_days_and_is_unauthorized_after()
    {
        var (email, _, early) = await api.NewSessionAsync();
        var late = await api.LoginAsync(email);
        var sid = RefreshScenarios.Sid(late.AccessToken);

        api.Clock.Advance(TimeSpan.FromDays(14) - TimeSpan.FromHours(1));
        await api.RefreshedAsync(early.RefreshToken!);
        api.Clock.Advance(TimeSpan.FromHours(2));

        await api.RefreshIsRejectedAsync(late.RefreshToken!);

        // No successor was minted: the session holds at most the expired token (a clean-up may delete it).
        Assert.Equal(0L, await api.TokenRowsAsync(sid, "retired_at is not null"));
        Assert.InRange(await api.TokenRowsAsync(sid), 0L, 1L);
    }
}
