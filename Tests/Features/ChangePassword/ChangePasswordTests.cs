using SliceAuth.Tests.Features.Refresh;
using SliceAuth.Tests.Features.Sessions;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.ChangePassword;

public sealed class ChangePasswordTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string NewPassword = "a brand new passphrase 2026";
    private const string Argon2idAtTestSettings = "$argon2id$v=19$m=64,t=1,p=1$";

    [Fact]
    public async Task a_password_change_replaces_the_hash_and_revokes_every_session()
    {
        var (email, userId, first) = await api.NewSessionAsync();
        var second = await api.LoginAsync(email);
        var secondRefreshed = await api.RefreshedAsync(second.RefreshToken!);
        var sids = new[] { first, second }.Select(t => RefreshScenarios.Sid(t.AccessToken)).ToArray();
        var (_, _, bob) = await api.NewSessionAsync();
        var oldHash = await api.PasswordHashAsync(userId);

        var result = await api.ChangePasswordAsync(first.AccessToken,
            new { currentPassword = ApiFixture.StrongPassword, newPassword = NewPassword }, 204);

        Assert.Equal("", await result.ReadAsTextAsync());
        var newHash = await api.PasswordHashAsync(userId);
        Assert.NotEqual(oldHash, newHash);
        Assert.StartsWith(Argon2idAtTestSettings, newHash);
        Assert.DoesNotContain(NewPassword, newHash);
        foreach (var sid in sids)
            await api.FamilyShouldBeRevokedAsync(sid);
        foreach (var token in new[] { first.RefreshToken!, secondRefreshed.RefreshToken!, second.RefreshToken! })
            await api.RefreshIsRejectedAsync(token);

        var rejected = await api.LoginAttemptAsync(email, ApiFixture.StrongPassword, 401);
        rejected.ShouldBeProblem(await rejected.BodyAsync(), 401);
        var fresh = await api.LoginAsync(email, NewPassword);
        Assert.Equal([RefreshScenarios.Sid(fresh.AccessToken)], (await api.SessionsAsync(fresh.AccessToken)).Ids());
        await api.RefreshedAsync(fresh.RefreshToken!);

        await api.FamilyShouldBeLiveAsync(RefreshScenarios.Sid(bob.AccessToken));
        await api.RefreshedAsync(bob.RefreshToken!);
    }

    [Fact]
    public async Task the_access_token_that_changed_the_password_keeps_working()
    {
        var (email, userId, login) = await api.NewSessionAsync();

        await api.ChangePasswordAsync(login.AccessToken, new { currentPassword = ApiFixture.StrongPassword, newPassword = NewPassword }, 204);

        var me = await (await api.MeAsync(login.AccessToken, 200)).BodyAsync();
        Assert.Equal(userId, me.GetProperty("id").GetGuid());
        Assert.Equal(email, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task a_wrong_current_password_is_a_validation_error_and_changes_nothing()
    {
        var (email, userId, login) = await api.NewSessionAsync();
        var oldHash = await api.PasswordHashAsync(userId);

        var result = await api.ChangePasswordAsync(login.AccessToken,
            new { currentPassword = "not the right password", newPassword = NewPassword }, 400);

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        Assert.NotEmpty(body.Errors("currentPassword"));
        Assert.False(body.GetProperty("errors").TryGetProperty("newPassword", out _));
        await ShouldBeUnchangedAsync(email, userId, oldHash, login);
    }

    [Theory]
    [InlineData("short pass", "at least 12")]
    [InlineData("administrator", "common")]
    [InlineData("Administrator", "common")]
    [InlineData("              ", "white space")]
    [InlineData("{EMAIL}", "email")]
    [InlineData("{TOO_LONG}", "at most 128")]
    public async Task a_new_password_breaking_the_rules_is_rejected_and_changes_nothing(string newPassword, string message)
    {
        var (email, userId, login) = await api.NewSessionAsync();
        var oldHash = await api.PasswordHashAsync(userId);
        newPassword = newPassword switch
        {
            "{EMAIL}" => email.ToUpperInvariant(),
            "{TOO_LONG}" => new string('x', 120) + "yzyzyzyzy",
            _ => newPassword,
        };

        var result = await api.ChangePasswordAsync(login.AccessToken,
            new { currentPassword = ApiFixture.StrongPassword, newPassword }, 400);

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        Assert.Contains(body.Errors("newPassword"), e => e.Contains(message, StringComparison.OrdinalIgnoreCase));
        await ShouldBeUnchangedAsync(email, userId, oldHash, login);
    }

    [Theory]
    [InlineData("{}", new[] { "currentPassword", "newPassword" })]
    [InlineData("{\"currentPassword\": null, \"newPassword\": \"\"}", new[] { "currentPassword", "newPassword" })]
    [InlineData("{\"newPassword\": \"a brand new passphrase 2026\"}", new[] { "currentPassword" })]
    [InlineData("{\"currentPassword\": \"correct horse battery staple\"}", new[] { "newPassword" })]
    [InlineData("{\"currentPassword\": \"\", \"newPassword\": \"a brand new passphrase 2026\"}", new[] { "currentPassword" })]
    public async Task a_missing_field_is_a_validation_error_for_each(string json, string[] fields)
    {
        var (email, userId, login) = await api.NewSessionAsync();
        var oldHash = await api.PasswordHashAsync(userId);

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Text(json).ToUrl(SessionScenarios.PasswordUrl);
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithAccessToken(login.AccessToken);
            s.StatusCodeShouldBe(400);
        });

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        Assert.Equal(fields.Order(StringComparer.Ordinal).ToArray(),
            body.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        foreach (var field in fields)
            Assert.NotEmpty(body.Errors(field));
        await ShouldBeUnchangedAsync(email, userId, oldHash, login);
    }

    [Fact]
    public async Task changing_the_password_without_a_token_is_unauthorized()
    {
        var (email, userId, login) = await api.NewSessionAsync();
        var oldHash = await api.PasswordHashAsync(userId);

        var result = await api.ChangePasswordAsync(accessToken: null,
            new { currentPassword = ApiFixture.StrongPassword, newPassword = NewPassword }, 401);

        await result.ShouldBeUnauthorizedAsync();
        await ShouldBeUnchangedAsync(email, userId, oldHash, login);
    }

    [Fact]
    public async Task refreshes_racing_a_password_change_leave_no_session_that_can_refresh()
    {
        // Several rounds, because a race that is lost only sometimes must still be caught.
        for (var round = 0; round < 10; round++)
        {
            var (email, userId, chained) = await api.NewSessionAsync();
            var tabs = await api.LoginAsync(email);
            var idle = await api.LoginAsync(email);
            var before = new[] { chained, tabs, idle };

            var (change, refreshes) = await api.RaceRefreshesAgainstAsync(chained, tabs, () => api.Host.Scenario(s =>
            {
                s.Post.Json(new { currentPassword = ApiFixture.StrongPassword, newPassword = NewPassword }).ToUrl(SessionScenarios.PasswordUrl);
                s.WithAccessToken(idle.AccessToken);
                s.IgnoreStatusCode();
            }));

            Assert.True(change.Context.Response.StatusCode == 204,
                $"round {round}: the password change answered {change.Context.Response.StatusCode}: {await change.ReadAsTextAsync()}");
            await api.NoSessionCanRefreshAsync(userId, before, refreshes);
            await api.LoginAsync(email, NewPassword);
        }
    }

    /// <summary>After a rejected change: the same hash, the old password logs in, the new one does not, the session refreshes.</summary>
    private async Task ShouldBeUnchangedAsync(string email, Guid userId, string oldHash, Tokens login)
    {
        Assert.Equal(oldHash, await api.PasswordHashAsync(userId));
        var sid = RefreshScenarios.Sid(login.AccessToken);
        await api.FamilyShouldBeLiveAsync(sid);
        Assert.Equal(sid, RefreshScenarios.Sid((await api.RefreshedAsync(login.RefreshToken!)).AccessToken));
        await api.LoginAttemptAsync(email, NewPassword, 401);
        await api.LoginAsync(email);
    }
}
