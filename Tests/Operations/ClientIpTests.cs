using System.Net;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Operations;

public sealed class TrustedProxyApi : ApiFixture
{
    public const string Proxy = "10.0.0.1";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Enabled"] = "true",
        ["RateLimits:RegisterPerIp"] = "1",
        ["ForwardedHeaders:KnownProxies:0"] = Proxy,
    };
}

public sealed class UntrustedForwardingTests(RateLimitedApi api) : IClassFixture<RateLimitedApi>
{
    [Fact]
    public async Task limits_key_on_the_connection_address_and_ignore_forwarded_for_by_default()
    {
        // RateLimitedApi allows 2 registrations per IP.
        for (var i = 0; i < 2; i++)
            await Register(api, "192.0.2.10", $"198.51.100.{i}", 201);
        await Register(api, "192.0.2.10", "198.51.100.77", 429);
        await Register(api, "192.0.2.11", null, 201);
    }

    internal static Task Register(ApiFixture api, string connectionAddress, string? forwardedFor, int status) =>
        api.Host.Scenario(s =>
        {
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(connectionAddress));
            if (forwardedFor is not null)
                s.WithRequestHeader("X-Forwarded-For", forwardedFor);
            s.Post.Json(new { email = ApiFixture.UniqueEmail(), password = ApiFixture.StrongPassword }).ToUrl("/auth/register");
            s.StatusCodeShouldBe(status);
        });
}

public sealed class TrustedForwardingTests(TrustedProxyApi api) : IClassFixture<TrustedProxyApi>
{
    [Fact]
    public async Task behind_a_listed_proxy_each_forwarded_client_has_its_own_limit()
    {
        await UntrustedForwardingTests.Register(api, TrustedProxyApi.Proxy, "203.0.113.1", 201);
        await UntrustedForwardingTests.Register(api, TrustedProxyApi.Proxy, "203.0.113.2", 201);
        await UntrustedForwardingTests.Register(api, TrustedProxyApi.Proxy, "203.0.113.1", 429);
        // A client that is not the listed proxy cannot choose its address.
        await UntrustedForwardingTests.Register(api, "192.0.2.50", "203.0.113.3", 201);
        await UntrustedForwardingTests.Register(api, "192.0.2.50", "203.0.113.4", 429);
    }
}
