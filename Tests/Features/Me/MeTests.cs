using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Me;

public sealed class MeTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly byte[] SigningKey = Base64Url.DecodeFromChars(ApiFixture.SigningKey);

    [Fact]
    public async Task a_valid_access_token_returns_the_callers_id_and_email()
    {
        var (email, userId, tokens) = await api.NewSessionAsync();

        var body = await MeAsync(tokens.AccessToken);

        Assert.Equal(userId, body.GetProperty("id").GetGuid());
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.Equal(["email", "id"], body.EnumerateObject().Select(p => p.Name).Order().ToArray());
    }

    [Fact]
    public async Task me_answers_from_the_token_without_reading_the_database()
    {
        var (email, userId, tokens) = await api.NewSessionAsync();
        Assert.Equal(1, await api.ExecuteAsync("delete from users where id = $1", userId));

        var body = await MeAsync(tokens.AccessToken);

        Assert.Equal(userId, body.GetProperty("id").GetGuid());
        Assert.Equal(email, body.GetProperty("email").GetString());
    }

    [Fact]
    public async Task the_access_token_is_an_hs256_at_jwt_without_kid()
    {
        var (_, _, tokens) = await api.NewSessionAsync();

        var header = Segment(tokens.AccessToken, 0);

        Assert.Equal("HS256", header.GetProperty("alg").GetString());
        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        Assert.False(header.TryGetProperty("kid", out _), "an HS256 token has no kid unless Jwt:KeyId is set");
    }

    [Fact]
    public async Task the_access_token_carries_the_contract_claims()
    {
        var (email, userId, first) = await api.NewSessionAsync();
        var sessionId = await api.ScalarAsync<Guid>("select id from sessions where user_id = $1", userId);
        var second = await api.LoginAsync(email);

        var claims = Segment(first.AccessToken, 1);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.Equal(ApiFixture.Issuer, claims.GetProperty("iss").GetString());
        var audience = claims.GetProperty("aud");
        Assert.Equal(ApiFixture.Audience, audience.ValueKind == JsonValueKind.Array
            ? Assert.Single(audience.EnumerateArray().ToArray()).GetString()
            : audience.GetString());
        Assert.Equal(userId, Guid.Parse(claims.GetProperty("sub").GetString()!));
        Assert.Equal(email, claims.GetProperty("email").GetString());
        Assert.Equal(sessionId, Guid.Parse(claims.GetProperty("sid").GetString()!));
        var iat = claims.GetProperty("iat").GetInt64();
        Assert.InRange(iat, now - 60, now + 5);
        Assert.InRange(claims.GetProperty("nbf").GetInt64(), iat - 30, iat);
        Assert.Equal(900, claims.GetProperty("exp").GetInt64() - iat);
        var jti = claims.GetProperty("jti").GetString();
        Assert.False(string.IsNullOrEmpty(jti));

        var secondClaims = Segment(second.AccessToken, 1);
        Assert.NotEqual(jti, secondClaims.GetProperty("jti").GetString());
        Assert.NotEqual(sessionId, Guid.Parse(secondClaims.GetProperty("sid").GetString()!));
    }

    [Fact]
    public async Task a_token_forged_here_with_valid_claims_and_key_is_accepted()
    {
        // The control for the rejections below: the forging itself produces tokens the API accepts.
        var payload = ValidPayload();
        var token = Jwt(ValidHeader(), payload, Hmac(HMACSHA256.HashData));

        var body = await MeAsync(token);

        Assert.Equal(payload["sub"]!.GetValue<string>(), body.GetProperty("id").GetGuid().ToString());
        Assert.Equal(payload["email"]!.GetValue<string>(), body.GetProperty("email").GetString());
    }

    [Fact]
    public async Task a_token_expired_10_seconds_ago_is_still_accepted_within_the_clock_skew()
    {
        var now = Now();
        var payload = ValidPayload();
        payload["iat"] = now - 910;
        payload["nbf"] = now - 910;
        payload["exp"] = now - 10;

        await MeAsync(Jwt(ValidHeader(), payload, Hmac(HMACSHA256.HashData)));
    }

    [Theory]
    [InlineData("tampered_payload")]
    [InlineData("truncated_signature")]
    [InlineData("signature_removed")]
    [InlineData("garbage")]
    [InlineData("three_garbage_segments")]
    [InlineData("refresh_token")]
    [InlineData("alg_none")]
    [InlineData("alg_none_with_signature")]
    [InlineData("hs384_with_the_right_key")]
    [InlineData("hs512_with_the_right_key")]
    [InlineData("hs256_with_another_key")]
    [InlineData("typ_jwt")]
    [InlineData("typ_missing")]
    [InlineData("exp_missing")]
    [InlineData("sub_missing")]
    [InlineData("expired_beyond_the_skew")]
    [InlineData("nbf_5_minutes_ahead")]
    [InlineData("wrong_iss")]
    [InlineData("wrong_aud")]
    [InlineData("kid_naming_no_key")]
    public async Task a_rejected_token_is_a_401_with_invalid_token(string kind)
    {
        var token = await HostileTokenAsync(kind);

        var result = await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/me");
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            s.StatusCodeShouldBe(401);
        });

        result.ShouldBeProblem(await result.BodyAsync(), 401);
        var challenge = result.Context.Response.Headers.WWWAuthenticate.ToString();
        Assert.StartsWith("Bearer", challenge);
        Assert.Contains("error=\"invalid_token\"", challenge);
    }

    [Fact]
    public async Task no_token_is_a_401_with_a_bare_bearer_challenge()
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/me");
            s.StatusCodeShouldBe(401);
        });

        result.ShouldBeProblem(await result.BodyAsync(), 401);
        var challenge = result.Context.Response.Headers.WWWAuthenticate.ToString();
        Assert.StartsWith("Bearer", challenge);
        Assert.DoesNotContain("error", challenge);
    }

    [Fact]
    public async Task an_unknown_route_is_a_404_problem()
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/no-such-endpoint");
            s.StatusCodeShouldBe(404);
        });

        result.ShouldBeProblem(await result.BodyAsync(), 404);
    }

    [Theory]
    [InlineData("GET", "/auth/login")]
    [InlineData("POST", "/auth/me")]
    [InlineData("DELETE", "/auth/me")]
    public async Task a_wrong_method_is_a_405_problem(string method, string url)
    {
        var result = await api.Host.Scenario(s =>
        {
            _ = method switch
            {
                "GET" => s.Get.Url(url),
                "POST" => s.Post.Url(url),
                _ => s.Delete.Url(url),
            };
            s.StatusCodeShouldBe(405);
        });

        result.ShouldBeProblem(await result.BodyAsync(), 405);
    }

    private async Task<string> HostileTokenAsync(string kind)
    {
        var header = ValidHeader();
        var payload = ValidPayload();
        var sign = Hmac(HMACSHA256.HashData);
        var now = Now();
        switch (kind)
        {
            case "tampered_payload":
                {
                    var real = (await api.NewSessionAsync()).Tokens.AccessToken.Split('.');
                    var claims = JsonNode.Parse(Base64Url.DecodeFromChars(real[1]))!.AsObject();
                    claims["sub"] = Guid.NewGuid().ToString();
                    claims["email"] = "attacker@example.com";
                    return $"{real[0]}.{Encode(claims)}.{real[2]}";
                }
            case "truncated_signature":
                {
                    var real = (await api.NewSessionAsync()).Tokens.AccessToken;
                    return real[..^6];
                }
            case "signature_removed":
                {
                    var real = (await api.NewSessionAsync()).Tokens.AccessToken;
                    return real[..real.LastIndexOf('.')];
                }
            case "garbage":
                return "garbage";
            case "three_garbage_segments":
                return "abc.def.ghi";
            case "refresh_token":
                return (await api.NewSessionAsync()).Tokens.RefreshToken!;
            case "alg_none":
                header["alg"] = "none";
                sign = null;
                break;
            case "alg_none_with_signature":
                header["alg"] = "none";
                break;
            case "hs384_with_the_right_key":
                header["alg"] = "HS384";
                sign = Hmac(HMACSHA384.HashData);
                break;
            case "hs512_with_the_right_key":
                header["alg"] = "HS512";
                sign = Hmac(HMACSHA512.HashData);
                break;
            case "hs256_with_another_key":
                {
                    var otherKey = RandomNumberGenerator.GetBytes(SigningKey.Length);
                    sign = data => HMACSHA256.HashData(otherKey, data);
                    break;
                }
            case "typ_jwt":
                header["typ"] = "JWT";
                break;
            case "typ_missing":
                header.Remove("typ");
                break;
            case "exp_missing":
                payload.Remove("exp");
                break;
            case "sub_missing":
                payload.Remove("sub");
                break;
            case "expired_beyond_the_skew":
                payload["iat"] = now - 940;
                payload["nbf"] = now - 940;
                payload["exp"] = now - 40;
                break;
            case "nbf_5_minutes_ahead":
                payload["nbf"] = now + 300;
                payload["exp"] = now + 1200;
                break;
            case "wrong_iss":
                payload["iss"] = "someone-else";
                break;
            case "wrong_aud":
                payload["aud"] = "another-audience";
                break;
            case "kid_naming_no_key":
                header["kid"] = "no-such-key";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such hostile token");
        }
        return Jwt(header, payload, sign);
    }

    private async Task<JsonElement> MeAsync(string accessToken)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/me");
            s.WithRequestHeader("Authorization", $"Bearer {accessToken}");
            s.StatusCodeShouldBe(200);
        });
        return await result.BodyAsync();
    }

    private long Now() => api.Clock.GetUtcNow().ToUnixTimeSeconds();

    private static JsonObject ValidHeader() => new() { ["alg"] = "HS256", ["typ"] = "at+jwt" };

    private JsonObject ValidPayload()
    {
        var now = Now();
        return new JsonObject
        {
            ["iss"] = ApiFixture.Issuer,
            ["aud"] = ApiFixture.Audience,
            ["sub"] = Guid.NewGuid().ToString(),
            ["email"] = ApiFixture.UniqueEmail("forged"),
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 900,
            ["sid"] = Guid.NewGuid().ToString(),
        };
    }

    private static Func<byte[], byte[]> Hmac(Func<byte[], byte[], byte[]> algorithm) => data => algorithm(SigningKey, data);

    /// <summary>A JWS in compact form, assembled by hand so that every header and claim is the test's to choose.</summary>
    private static string Jwt(JsonObject header, JsonObject payload, Func<byte[], byte[]>? sign)
    {
        var signingInput = $"{Encode(header)}.{Encode(payload)}";
        var signature = sign is null ? "" : Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(signingInput)));
        return $"{signingInput}.{signature}";
    }

    private static string Encode(JsonObject value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value.ToJsonString()));

    private static JsonElement Segment(string jwt, int index) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[index])).RootElement;
}

/// <summary>On a host of its own, because it moves the API's clock.</summary>
public sealed class MeTokenLifetimeTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task an_issued_token_works_until_15_minutes_plus_the_skew_and_not_after()
    {
        var (_, userId, tokens) = await api.NewSessionAsync();

        api.Clock.Advance(TimeSpan.FromSeconds(900 + 15));
        var stillValid = await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/me");
            s.WithRequestHeader("Authorization", $"Bearer {tokens.AccessToken}");
            s.StatusCodeShouldBe(200);
        });
        Assert.Equal(userId, (await stillValid.BodyAsync()).GetProperty("id").GetGuid());

        api.Clock.Advance(TimeSpan.FromSeconds(30));
        var expired = await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/me");
            s.WithRequestHeader("Authorization", $"Bearer {tokens.AccessToken}");
            s.StatusCodeShouldBe(401);
        });
        expired.ShouldBeProblem(await expired.BodyAsync(), 401);
        Assert.Contains("error=\"invalid_token\"", expired.Context.Response.Headers.WWWAuthenticate.ToString());
    }
}
