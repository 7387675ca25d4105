using System.Text.Json;
using Alba;
using SliceAuth.Tests.Features.Refresh;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Sessions;

/// <summary>
/// The calls and row reads that the session scenarios (list, revoke one, logout-all, password change) share.
/// </summary>
public static class SessionScenarios
{
    public const string SessionsUrl = "/auth/sessions";
    public const string LogoutAllUrl = "/auth/logout-all";
    public const string PasswordUrl = "/auth/password";
    public const string MeUrl = "/auth/me";
    public const int MaxUserAgentLength = 256;
    public static readonly TimeSpan RefreshLifetime = TimeSpan.FromDays(14);

    public static void WithAccessToken(this Scenario s, string? accessToken)
    {
        if (accessToken is not null)
            s.WithRequestHeader("Authorization", $"Bearer {accessToken}");
    }

    /// <summary>A login sent with the given User-Agent header, or none at all when it is null.</summary>
    public static async Task<Tokens> LoginFromAsync(this ApiFixture api, string email, string? userAgent,
        string password = ApiFixture.StrongPassword)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password }).ToUrl("/auth/login");
            if (userAgent is not null)
                s.WithRequestHeader("User-Agent", userAgent);
            s.StatusCodeShouldBe(200);
        });
        return (await result.ReadAsJsonAsync<Tokens>())!;
    }

    public static Task<IScenarioResult> LoginAttemptAsync(this ApiFixture api, string email, string password, int status) =>
        api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(status);
        });

    public static Task<IScenarioResult> ListSessionsAsync(this ApiFixture api, string? accessToken, int status) =>
        api.Host.Scenario(s =>
        {
            s.Get.Url(SessionsUrl);
            s.WithAccessToken(accessToken);
            s.StatusCodeShouldBe(status);
        });

    /// <summary>The caller's session list, which must answer 200 with a JSON array.</summary>
    public static async Task<JsonElement[]> SessionsAsync(this ApiFixture api, string accessToken)
    {
        var body = await (await api.ListSessionsAsync(accessToken, 200)).BodyAsync();
        Assert.Equal(JsonValueKind.Array, body.ValueKind);
        return body.EnumerateArray().ToArray();
    }

    public static Task<IScenarioResult> RevokeSessionAsync(this ApiFixture api, string? accessToken, string sessionId, int status) =>
        api.Host.Scenario(s =>
        {
            s.Delete.Url($"{SessionsUrl}/{sessionId}");
            s.WithAccessToken(accessToken);
            s.StatusCodeShouldBe(status);
        });

    public static Task<IScenarioResult> LogoutAllAsync(this ApiFixture api, string? accessToken, int status) =>
        api.Host.Scenario(s =>
        {
            s.Post.Url(LogoutAllUrl);
            s.WithAccessToken(accessToken);
            s.StatusCodeShouldBe(status);
        });

    public static Task<IScenarioResult> ChangePasswordAsync(this ApiFixture api, string? accessToken, object body, int status) =>
        api.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(PasswordUrl);
            s.WithAccessToken(accessToken);
            s.StatusCodeShouldBe(status);
        });

    public static Task<IScenarioResult> MeAsync(this ApiFixture api, string accessToken, int status) =>
        api.Host.Scenario(s =>
        {
            s.Get.Url(MeUrl);
            s.WithAccessToken(accessToken);
            s.StatusCodeShouldBe(status);
        });

    /// <summary>Asserts a 401 problem with a Bearer challenge: what a protected endpoint answers without a token.</summary>
    public static async Task ShouldBeUnauthorizedAsync(this IScenarioResult result)
    {
        result.ShouldBeProblem(await result.BodyAsync(), 401);
        Assert.StartsWith("Bearer", result.Context.Response.Headers.WWWAuthenticate.ToString());
    }

    public static async Task<string> PasswordHashAsync(this ApiFixture api, Guid userId) =>
        (await api.ScalarAsync<string>("select password from users where id = $1", userId))!;

    public static Task<DateTime> TokenExpiresAtAsync(this ApiFixture api, string refreshToken) =>
        api.ScalarAsync<DateTime>($"select expires_at from refresh_tokens where {RefreshScenarios.ByToken}", refreshToken);

    public static Guid[] Ids(this IEnumerable<JsonElement> sessions) =>
        sessions.Select(s => s.GetProperty("id").GetGuid()).ToArray();
}

/// <summary>Refreshes racing an operation that revokes every session of the user (password change, logout-all).</summary>
public static class RevocationRace
{
    public const int Refreshes = 10;

    public sealed record Outcome(int Status, Tokens? Tokens);

    /// <summary>
    /// Starts, at one signal, a client refreshing its chain <see cref="Refreshes"/> times (each time with the
    /// token the last success gave it), <see cref="Refreshes"/> tabs refreshing another session's token at once,
    /// and the revoking call; returns the call's answer and every refresh's.
    /// </summary>
    public static async Task<(IScenarioResult Revocation, Outcome[] Refreshes)> RaceRefreshesAgainstAsync(
        this ApiFixture api, Tokens chained, Tokens tabs, Func<Task<IScenarioResult>> revoke)
    {
        using var start = new ManualResetEventSlim();
        var chain = Task.Run(async () =>
        {
            start.Wait();
            return await api.RefreshChainAsync(chained.RefreshToken!);
        });
        var concurrent = Enumerable.Range(0, Refreshes).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await api.RefreshOnceAsync(tabs.RefreshToken!);
        })).ToArray();
        var revocation = Task.Run(async () =>
        {
            start.Wait();
            return await revoke();
        });
        start.Set();
        var outcomes = (await chain).Concat(await Task.WhenAll(concurrent)).ToArray();
        return (await revocation, outcomes);
    }

    /// <summary>
    /// After the race: every refresh answered 200 or 401 (never a server error), every session that existed
    /// before is revoked, and no refresh token of them, the ones the racing refreshes returned included, refreshes.
    /// </summary>
    public static async Task NoSessionCanRefreshAsync(this ApiFixture api, Guid userId, Tokens[] before, Outcome[] refreshes)
    {
        var sessionsBefore = before.Select(t => RefreshScenarios.Sid(t.AccessToken)).ToArray();
        Assert.All(refreshes, r => Assert.True(r.Status is 200 or 401, $"a racing refresh answered {r.Status}"));
        var issued = refreshes.Where(r => r.Status == 200).Select(r => r.Tokens!).ToArray();
        Assert.All(issued, t => Assert.Contains(RefreshScenarios.Sid(t.AccessToken), sessionsBefore));
        foreach (var sid in sessionsBefore)
            Assert.NotNull(await api.SessionRevokedAtAsync(sid));
        Assert.Equal(0L, await api.ScalarAsync<long>("select count(*) from sessions where user_id = $1 and revoked_at is null", userId));
        foreach (var token in issued.Concat(before).Select(t => t.RefreshToken!))
            await api.RefreshIsRejectedAsync(token);
    }

    private static async Task<Outcome> RefreshOnceAsync(this ApiFixture api, string refreshToken)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken }).ToUrl(RefreshScenarios.RefreshUrl);
            s.IgnoreStatusCode();
        });
        var status = result.Context.Response.StatusCode;
        return new Outcome(status, status == 200 ? await result.ReadAsJsonAsync<Tokens>() : null);
    }

    private static async Task<Outcome[]> RefreshChainAsync(this ApiFixture api, string refreshToken)
    {
        var outcomes = new List<Outcome>();
        for (var i = 0; i < Refreshes; i++)
        {
            var outcome = await api.RefreshOnceAsync(refreshToken);
            outcomes.Add(outcome);
            if (outcome.Tokens is { } tokens)
                refreshToken = tokens.RefreshToken!;
        }
        return outcomes.ToArray();
    }
}
