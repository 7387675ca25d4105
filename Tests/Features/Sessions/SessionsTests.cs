using System.Text.Json;
using System.Text.RegularExpressions;
using SliceAuth.Tests.Features.Refresh;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Sessions;

public sealed partial class SessionsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Browser = "Mozilla/5.0 (X11; Linux x86_64) SliceAuthTests/1.0";
    private static readonly string LongAgent = "LongAgent/" + string.Concat(Enumerable.Range(0, 300).Select(i => (char)('a' + i % 26)));

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    [Fact]
    public async Task lists_every_live_login_of_the_caller_newest_first()
    {
        var email = ApiFixture.UniqueEmail();
        var userId = await api.RegisterAsync(email);
        var first = await api.LoginFromAsync(email, Browser);
        var second = await api.LoginFromAsync(email, LongAgent);
        var firstSid = RefreshScenarios.Sid(first.AccessToken);
        var secondSid = RefreshScenarios.Sid(second.AccessToken);

        var sessions = await api.SessionsAsync(second.AccessToken);

        Assert.Equal([secondSid, firstSid], sessions.Ids());
        foreach (var session in sessions)
        {
            Assert.Equal(["createdAt", "current", "expiresAt", "id", "lastUsedAt", "userAgent"],
                session.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
            foreach (var field in new[] { "createdAt", "lastUsedAt", "expiresAt" })
                Assert.Matches(Rfc3339(), session.GetProperty(field).GetString());
        }
        var (newest, oldest) = (sessions[0], sessions[1]);
        Assert.True(newest.GetProperty("createdAt").GetDateTimeOffset() > oldest.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(LongAgent[..SessionScenarios.MaxUserAgentLength], newest.GetProperty("userAgent").GetString());
        Assert.Equal(Browser, oldest.GetProperty("userAgent").GetString());
        Assert.True(newest.GetProperty("current").GetBoolean());
        Assert.False(oldest.GetProperty("current").GetBoolean());

        foreach (var (session, tokens) in new[] { (newest, second), (oldest, first) })
        {
            var id = session.GetProperty("id").GetGuid();
            var createdAt = session.GetProperty("createdAt").GetDateTimeOffset();
            Assert.Equal(createdAt, session.GetProperty("lastUsedAt").GetDateTimeOffset());
            Assert.Equal(await api.ScalarAsync<DateTime>("select created_at from sessions where id = $1", id),
                createdAt.UtcDateTime);
            Assert.Equal(await api.TokenExpiresAtAsync(tokens.RefreshToken!), session.GetProperty("expiresAt").GetDateTimeOffset().UtcDateTime);
            Assert.Equal(userId, await api.ScalarAsync<Guid>("select user_id from sessions where id = $1", id));
        }
        Assert.Equal(SessionScenarios.MaxUserAgentLength,
            await api.ScalarAsync<int>("select length(user_agent) from sessions where id = $1", secondSid));
    }

    [Fact]
    public async Task current_marks_the_session_of_the_calling_access_token()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);
        var first = await api.LoginFromAsync(email, Browser);
        var second = await api.LoginFromAsync(email, Browser);
        var third = await api.LoginFromAsync(email, Browser);

        foreach (var tokens in new[] { first, second, third })
        {
            var sessions = await api.SessionsAsync(tokens.AccessToken);
            Assert.Equal(3, sessions.Length);
            var current = Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
            Assert.Equal(RefreshScenarios.Sid(tokens.AccessToken), current.GetProperty("id").GetGuid());
        }

        // A refreshed access token belongs to the same session, so it is still the one marked current.
        var refreshed = await api.RefreshedAsync(first.RefreshToken!);
        var afterRefresh = await api.SessionsAsync(refreshed.AccessToken);
        Assert.Equal(RefreshScenarios.Sid(first.AccessToken),
            Assert.Single(afterRefresh, s => s.GetProperty("current").GetBoolean()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task the_user_agent_is_null_when_the_login_sent_none()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);
        var login = await api.LoginFromAsync(email, userAgent: null);

        var session = Assert.Single(await api.SessionsAsync(login.AccessToken));

        Assert.Equal(JsonValueKind.Null, session.GetProperty("userAgent").ValueKind);
        Assert.Null(await api.ScalarAsync<string>("select user_agent from sessions where id = $1", RefreshScenarios.Sid(login.AccessToken)));
    }

    [Fact]
    public async Task a_session_ended_by_logout_is_not_listed()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);
        var kept = await api.LoginFromAsync(email, Browser);
        var ended = await api.LoginFromAsync(email, Browser);
        await api.LogoutAsync(ended.RefreshToken!);

        var sessions = await api.SessionsAsync(kept.AccessToken);

        Assert.Equal([RefreshScenarios.Sid(kept.AccessToken)], sessions.Ids());
        Assert.NotNull(await api.SessionRevokedAtAsync(RefreshScenarios.Sid(ended.AccessToken)));
        // Its own access token still verifies, and lists the other session but not its own.
        var fromEnded = await api.SessionsAsync(ended.AccessToken);
        Assert.Equal([RefreshScenarios.Sid(kept.AccessToken)], fromEnded.Ids());
        Assert.False(fromEnded[0].GetProperty("current").GetBoolean());
    }

    [Fact]
    public async Task another_users_sessions_are_never_listed()
    {
        var (aliceEmail, _, alice) = await api.NewSessionAsync();
        var (bobEmail, _, bob) = await api.NewSessionAsync();
        var bobAgain = await api.LoginAsync(bobEmail);
        var aliceAgain = await api.LoginAsync(aliceEmail);

        var alices = await api.SessionsAsync(alice.AccessToken);
        var bobs = await api.SessionsAsync(bob.AccessToken);

        Assert.Equal([RefreshScenarios.Sid(aliceAgain.AccessToken), RefreshScenarios.Sid(alice.AccessToken)], alices.Ids());
        Assert.Equal([RefreshScenarios.Sid(bobAgain.AccessToken), RefreshScenarios.Sid(bob.AccessToken)], bobs.Ids());
    }

    [Fact]
    public async Task a_user_without_live_sessions_gets_an_empty_list()
    {
        var (_, _, login) = await api.NewSessionAsync();
        await api.LogoutAsync(login.RefreshToken!);

        var result = await api.ListSessionsAsync(login.AccessToken, 200);

        Assert.Equal("[]", (await result.BodyAsync()).GetRawText());
    }

    [Fact]
    public async Task listing_sessions_without_a_token_is_unauthorized()
    {
        await api.NewSessionAsync();

        var result = await api.ListSessionsAsync(accessToken: null, 401);

        await result.ShouldBeUnauthorizedAsync();
    }
}

/// <summary>
/// Scenarios that move the API's clock, on a host of their own so that the other classes' sessions and
/// access tokens are not aged with them. Access tokens used after a move are minted after it.
/// </summary>
public sealed class SessionClockTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Browser = "Mozilla/5.0 (X11; Linux x86_64) SliceAuthTests/1.0";

    [Fact]
    public async Task a_refresh_advances_last_used_at_and_expires_at()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);
        var login = await api.LoginFromAsync(email, Browser);
        var before = Assert.Single(await api.SessionsAsync(login.AccessToken));
        api.Clock.Advance(TimeSpan.FromMinutes(5));

        var refreshed = await api.RefreshedAsync(login.RefreshToken!);
        var after = Assert.Single(await api.SessionsAsync(refreshed.AccessToken));

        Assert.Equal(before.GetProperty("id").GetGuid(), after.GetProperty("id").GetGuid());
        var createdAt = before.GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal(createdAt, after.GetProperty("createdAt").GetDateTimeOffset());
        var lastUsedAt = after.GetProperty("lastUsedAt").GetDateTimeOffset();
        Assert.InRange(lastUsedAt - createdAt, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(6));
        var expiresAt = after.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal(await api.TokenExpiresAtAsync(refreshed.RefreshToken!), expiresAt.UtcDateTime);
        Assert.InRange(expiresAt - before.GetProperty("expiresAt").GetDateTimeOffset(), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(6));
        Assert.InRange(expiresAt - lastUsedAt, SessionScenarios.RefreshLifetime - TimeSpan.FromSeconds(1),
            SessionScenarios.RefreshLifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(Browser, after.GetProperty("userAgent").GetString());
        Assert.True(after.GetProperty("current").GetBoolean());
    }

    [Fact]
    public async Task an_expired_session_is_not_listed()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);
        var old = await api.LoginAsync(email);
        api.Clock.Advance(TimeSpan.FromDays(13));
        var recent = await api.LoginAsync(email);
        api.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(1));
        var now = await api.LoginAsync(email);

        // The first login's 14 days are over; the one 25 hours old is still live.
        var sessions = await api.SessionsAsync(now.AccessToken);

        Assert.Equal([RefreshScenarios.Sid(now.AccessToken), RefreshScenarios.Sid(recent.AccessToken)], sessions.Ids());
        Assert.Null(await api.SessionRevokedAtAsync(RefreshScenarios.Sid(old.AccessToken)));
        await api.RefreshIsRejectedAsync(old.RefreshToken!);
        await api.RefreshedAsync(recent.RefreshToken!);
    }
}
