using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Alba;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Me;

/// <summary>The same token presented again is judged again: its lifetime on every use, a rejection every time.</summary>
public sealed class RepeatedValidationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_token_without_nbf_is_accepted_every_time()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = Sign(new JsonObject
        {
            ["iss"] = ApiFixture.Issuer,
            ["aud"] = ApiFixture.Audience,
            ["sub"] = Guid.NewGuid().ToString(),
            ["sid"] = Guid.NewGuid().ToString(),
            ["email"] = "cache@example.com",
            ["iat"] = now,
            ["exp"] = now + 600,
        }, ApiFixture.SigningKey);

        for (var i = 0; i < 3; i++)
            await Me(token, 200);
    }

    [Theory]
    [InlineData("not-a-guid", true)]
    [InlineData(null, false)]
    public async Task a_signed_token_that_names_no_user_or_session_is_refused_every_time(string? subject, bool withSid)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new JsonObject
        {
            ["iss"] = ApiFixture.Issuer,
            ["aud"] = ApiFixture.Audience,
            ["sub"] = subject ?? Guid.NewGuid().ToString(),
            ["email"] = "cache@example.com",
            ["iat"] = now,
            ["exp"] = now + 600,
        };
        if (withSid)
            payload["sid"] = Guid.NewGuid().ToString();
        var token = Sign(payload, ApiFixture.SigningKey);

        for (var i = 0; i < 2; i++)
        {
            var result = await Me(token, 401);
            Assert.Equal("Bearer error=\"invalid_token\"", result.Context.Response.Headers.WWWAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task a_rejected_token_stays_rejected_and_a_valid_one_expires_after_use()
    {
        var (_, _, tokens) = await api.NewSessionAsync();
        var forged = tokens.AccessToken[..^4] + (tokens.AccessToken.EndsWith("AAAA") ? "BBBB" : "AAAA");
        await Me(forged, 401);
        await Me(tokens.AccessToken, 200);
        await Me(forged, 401);

        api.Clock.Advance(TimeSpan.FromMinutes(16));
        await Me(tokens.AccessToken, 401);
        api.Clock.Advance(-TimeSpan.FromMinutes(16));
    }

    private Task<IScenarioResult> Me(string token, int status) => api.Host.Scenario(s =>
    {
        s.Get.Url("/auth/me");
        s.WithRequestHeader("Authorization", $"Bearer {token}");
        s.StatusCodeShouldBe(status);
    });

    private static string Sign(JsonObject payload, string base64UrlKey)
    {
        var header = Base64Url.EncodeToString("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}"u8);
        var body = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = HMACSHA256.HashData(Base64Url.DecodeFromChars(base64UrlKey), Encoding.ASCII.GetBytes($"{header}.{body}"));
        return $"{header}.{body}.{Base64Url.EncodeToString(signature)}";
    }
}
