using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Jwks;

/// <summary>
/// Access tokens made by the tests, honest and forged, and the requests that present them. Every claim
/// is one the API would accept, so a 401 can only come from the header or the signature.
/// </summary>
public static class Jws
{
    public const string AccessTokenType = "at+jwt";

    public static readonly byte[] HmacSecret = Base64Url.DecodeFromChars(ApiFixture.SigningKey);

    /// <summary>A valid payload for a user and session that need not exist: /auth/me reads only the token.</summary>
    public static JsonObject Claims(Guid userId, Guid sessionId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = ApiFixture.Issuer,
            ["aud"] = ApiFixture.Audience,
            ["sub"] = userId.ToString(),
            ["sid"] = sessionId.ToString(),
            ["email"] = "forged@example.com",
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 600,
        };
    }

    public static JsonObject Header(string alg, string? kid)
    {
        var header = new JsonObject { ["alg"] = alg, ["typ"] = AccessTokenType };
        if (kid is not null)
            header["kid"] = kid;
        return header;
    }

    /// <summary>An HS256 token written out by hand, keyed with whatever bytes the test chooses.</summary>
    public static string Hmac(byte[] secret, string? kid, JsonObject? claims = null)
    {
        var signingInput = SigningInput(Header("HS256", kid), claims ?? Claims(Guid.NewGuid(), Guid.NewGuid()));
        return $"{signingInput}.{Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput)))}";
    }

    /// <summary>An unsecured JWS (RFC 7515 `alg: none`): empty signature.</summary>
    public static string Unsigned(string? kid) =>
        $"{SigningInput(Header("none", kid), Claims(Guid.NewGuid(), Guid.NewGuid()))}.";

    /// <summary>A token signed by Microsoft.IdentityModel's handler, as another issuer would sign it.</summary>
    public static string Signed(SecurityKey key, string algorithm, Guid userId, Guid sessionId)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = AccessTokenType,
            Issuer = ApiFixture.Issuer,
            Audience = ApiFixture.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key, algorithm),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId.ToString(),
                [JwtRegisteredClaimNames.Sid] = sessionId.ToString(),
                [JwtRegisteredClaimNames.Email] = "signed@example.com",
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
            },
        });
    }

    public static string Signed(SecurityKey key, string algorithm) => Signed(key, algorithm, Guid.NewGuid(), Guid.NewGuid());

    /// <summary>One decoded segment of a compact JWS: 0 the header, 1 the claims.</summary>
    public static JsonElement Segment(string token, int index) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[index])).RootElement;

    public static async Task<JsonElement> MeAsync(this IAlbaHost host, string token)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/auth/me");
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            s.StatusCodeShouldBe(200);
        });
        return await result.BodyAsync();
    }

    /// <summary>/auth/me refuses the token as RFC 6750 says: 401, invalid_token, a problem body.</summary>
    public static async Task ShouldRejectAsync(this IAlbaHost host, string token)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/auth/me");
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            s.StatusCodeShouldBe(401);
        });
        var challenge = result.Context.Response.Headers.WWWAuthenticate.ToString();
        Assert.StartsWith("Bearer", challenge);
        Assert.Contains("error=\"invalid_token\"", challenge);
        result.ShouldBeProblem(await result.BodyAsync(), 401);
    }

    public static async Task<(JsonElement Keys, IScenarioResult Result)> JwksAsync(this IAlbaHost host)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/.well-known/jwks.json");
            s.StatusCodeShouldBe(200);
        });
        return ((await result.BodyAsync()).GetProperty("keys"), result);
    }

    private static string SigningInput(JsonObject header, JsonObject claims) =>
        $"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
}
