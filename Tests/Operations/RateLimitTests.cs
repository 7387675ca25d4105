using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Operations;

public sealed class RateLimitedApi : ApiFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Enabled"] = "true",
        ["RateLimits:LoginPerIp"] = "8",
        ["RateLimits:LoginPerEmail"] = "3",
        ["RateLimits:RegisterPerIp"] = "2",
        ["RateLimits:RefreshPerIp"] = "3",
    };
}

/// <summary>Each limit is tested on its own host: the windows are per host and a minute long.</summary>
public sealed class LoginPerEmailLimitTests(RateLimitedApi api) : IClassFixture<RateLimitedApi>
{
    [Fact]
    public async Task login_attempts_per_email_are_limited_whatever_their_outcome()
    {
        var email = ApiFixture.UniqueEmail();
        for (var i = 0; i < 3; i++)
            await api.Host.Scenario(s =>
            {
                s.Post.Json(new { email, password = "wrong but long enough" }).ToUrl("/auth/login");
                s.StatusCodeShouldBe(401);
            });

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email = email.ToUpperInvariant(), password = "wrong but long enough" }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(429);
        });

        result.ShouldBeProblem(await result.BodyAsync(), 429);
        var retryAfter = int.Parse(result.Context.Response.Headers.RetryAfter.ToString());
        Assert.InRange(retryAfter, 1, 60);
        // Another email from the same client is still served, until the per-IP limit.
        await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email = ApiFixture.UniqueEmail(), password = "wrong but long enough" }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(401);
        });
    }
}

public sealed class RegisterPerIpLimitTests(RateLimitedApi api) : IClassFixture<RateLimitedApi>
{
    [Fact]
    public async Task registrations_per_ip_are_limited_and_the_rejected_one_creates_nothing()
    {
        await api.RegisterAsync(ApiFixture.UniqueEmail());
        await api.RegisterAsync(ApiFixture.UniqueEmail());
        var email = ApiFixture.UniqueEmail();

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = ApiFixture.StrongPassword }).ToUrl("/auth/register");
            s.StatusCodeShouldBe(429);
        });

        result.ShouldBeProblem(await result.BodyAsync(), 429);
        Assert.True(int.Parse(result.Context.Response.Headers.RetryAfter.ToString()) >= 1);
        Assert.Equal(0L, await api.ScalarAsync<long>("select count(*) from users where email = $1", email));
    }
}

public sealed class RefreshPerIpLimitTests(RateLimitedApi api) : IClassFixture<RateLimitedApi>
{
    [Fact]
    public async Task refreshes_per_ip_are_limited()
    {
        for (var i = 0; i < 3; i++)
            await api.Host.Scenario(s =>
            {
                s.Post.Json(new { refreshToken = "unknown" }).ToUrl("/auth/refresh");
                s.StatusCodeShouldBe(401);
            });

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken = "unknown" }).ToUrl("/auth/refresh");
            s.StatusCodeShouldBe(429);
        });
        result.ShouldBeProblem(await result.BodyAsync(), 429);
    }
}

public sealed class DisabledRateLimitTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task with_rate_limits_off_nothing_is_limited()
    {
        var email = ApiFixture.UniqueEmail();
        for (var i = 0; i < 15; i++)
            await api.Host.Scenario(s =>
            {
                s.Post.Json(new { email, password = "wrong but long enough" }).ToUrl("/auth/login");
                s.StatusCodeShouldBe(401);
            });
    }
}
