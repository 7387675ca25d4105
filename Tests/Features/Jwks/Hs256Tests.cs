using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Jwks;

/// <summary>The default HS256: nothing public to publish, and no token from an RSA key gets in.</summary>
public sealed class Hs256Tests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task jwks_is_an_empty_key_set()
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Get.Url("/.well-known/jwks.json");
            s.StatusCodeShouldBe(200);
        });

        var body = await result.BodyAsync();
        Assert.Equal(["keys"], body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Empty(body.GetProperty("keys").EnumerateArray());
    }

    [Fact]
    public async Task a_token_made_with_the_shared_secret_is_accepted()
    {
        var userId = Guid.NewGuid();

        var me = await api.Host.MeAsync(Jws.Hmac(Jws.HmacSecret, kid: null, Jws.Claims(userId, Guid.NewGuid())));

        Assert.Equal(userId, me.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task a_token_whose_kid_names_no_key_is_rejected()
    {
        await api.Host.ShouldRejectAsync(Jws.Hmac(Jws.HmacSecret, kid: "some-other-key"));
    }

    [Fact]
    public async Task an_rs256_token_is_rejected()
    {
        using var rsa = RSA.Create(2048);

        await api.Host.ShouldRejectAsync(Jws.Signed(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256));
        await api.Host.ShouldRejectAsync(Jws.Signed(new RsaSecurityKey(rsa) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256));
    }

    [Fact]
    public async Task an_unsigned_token_is_rejected()
    {
        await api.Host.ShouldRejectAsync(Jws.Unsigned(kid: null));
    }
}

/// <summary>HS256 with `Jwt:KeyId`: tokens carry that `kid`, and a `kid` naming another key gets nowhere.</summary>
public sealed class Hs256KeyIdTests(Hs256KeyIdApi api) : IClassFixture<Hs256KeyIdApi>
{
    [Fact]
    public async Task access_tokens_carry_the_configured_kid()
    {
        var (_, _, tokens) = await api.NewSessionAsync();

        var header = Jws.Segment(tokens.AccessToken, 0);
        Assert.Equal("HS256", header.GetProperty("alg").GetString());
        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        Assert.Equal(Hs256KeyIdApi.KeyId, header.GetProperty("kid").GetString());
        await api.Host.MeAsync(tokens.AccessToken);
    }

    [Fact]
    public async Task a_token_made_with_the_shared_secret_and_its_kid_is_accepted()
    {
        var userId = Guid.NewGuid();

        var me = await api.Host.MeAsync(Jws.Hmac(Jws.HmacSecret, Hs256KeyIdApi.KeyId, Jws.Claims(userId, Guid.NewGuid())));

        Assert.Equal(userId, me.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task a_token_whose_kid_names_another_key_is_rejected()
    {
        await api.Host.ShouldRejectAsync(Jws.Hmac(Jws.HmacSecret, kid: Hs256KeyIdApi.KeyId + "-previous"));
    }

    [Fact]
    public async Task jwks_stays_empty_with_a_key_id()
    {
        var (keys, _) = await api.Host.JwksAsync();

        Assert.Empty(keys.EnumerateArray());
    }
}
