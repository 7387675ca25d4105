using Microsoft.Extensions.DependencyInjection;
using SliceAuth.Infrastructure.Database;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Operations;

public sealed class CleanupTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task expired_and_long_revoked_sessions_are_deleted_and_live_ones_kept()
    {
        var (_, userId, _) = await api.NewSessionAsync();
        var live = await api.ScalarAsync<Guid>("select id from sessions where user_id = $1", userId);
        await api.LoginAsync(await api.ScalarAsync<string>("select email from users where id = $1", userId) ?? "");
        await api.ExecuteAsync("update refresh_tokens set expires_at = now() - interval '2 days' where user_id = $1 and session_id <> $2", userId, live);
        var (_, otherUser, _) = await api.NewSessionAsync();
        await api.ExecuteAsync("update sessions set revoked_at = now() - interval '3 days' where user_id = $1", otherUser);

        var (sessions, _) = await api.Host.Services.GetRequiredService<ExpiredTokenCleanup>().RunOnceAsync();

        Assert.True(sessions >= 2);
        Assert.Equal(1L, await api.ScalarAsync<long>("select count(*) from sessions where user_id = $1", userId));
        Assert.Equal(live, await api.ScalarAsync<Guid>("select id from sessions where user_id = $1", userId));
        Assert.Equal(1L, await api.ScalarAsync<long>("select count(*) from refresh_tokens where user_id = $1", userId));
        Assert.Equal(0L, await api.ScalarAsync<long>("select count(*) from sessions where user_id = $1", otherUser));
    }
}
