using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using SliceAuth.Tests.Infrastructure;
using SliceAuth.Tests.Keys;

namespace SliceAuth.Tests.Features.Jwks;

public sealed class Es256Sec1KeyFileTests(Es256Api api) : Es256KeyFileTests<Es256Api>(api);

public sealed class Es256Pkcs8KeyFileTests(Es256Pkcs8Api api) : Es256KeyFileTests<Es256Pkcs8Api>(api);

/// <summary>ES256 with `Jwt:KeyFile`: what the JWKS publishes, what tokens say, and that others can verify them.</summary>
public abstract class Es256KeyFileTests<TApi>(TApi api) : IClassFixture<TApi> where TApi : Es256Api
{
    [Fact]
    public async Task jwks_publishes_the_p256_public_key_and_nothing_private()
    {
        var (keys, result) = await api.Host.JwksAsync();

        Assert.Contains("json", result.Context.Response.ContentType);
        Assert.False(string.IsNullOrWhiteSpace(result.Context.Response.Headers.CacheControl.ToString()), "the JWKS response has a Cache-Control header");
        var jwk = Assert.Single(keys.EnumerateArray());
        var expected = api.Key.ExportParameters(false);
        Assert.Equal("EC", jwk.GetProperty("kty").GetString());
        Assert.Equal("sig", jwk.GetProperty("use").GetString());
        Assert.Equal("ES256", jwk.GetProperty("alg").GetString());
        Assert.Equal("P-256", jwk.GetProperty("crv").GetString());
        Assert.False(string.IsNullOrEmpty(jwk.GetProperty("kid").GetString()));
        Assert.Equal(TestKeys.Base64UrlOf(expected.Q.X!), jwk.GetProperty("x").GetString());
        Assert.Equal(TestKeys.Base64UrlOf(expected.Q.Y!), jwk.GetProperty("y").GetString());
        Assert.False(jwk.TryGetProperty("d", out _), "the published JWK has the private member `d`");
    }

    [Fact]
    public async Task the_published_kid_is_the_rfc7638_thumbprint_of_the_key()
    {
        var (keys, _) = await api.Host.JwksAsync();

        var jwk = Assert.Single(keys.EnumerateArray());
        Assert.Equal(TestKeys.Thumbprint(api.Key), jwk.GetProperty("kid").GetString());
    }

    [Fact]
    public async Task access_tokens_are_es256_at_jwt_carrying_the_published_kid()
    {
        var (_, _, tokens) = await api.NewSessionAsync();
        var (keys, _) = await api.Host.JwksAsync();

        var header = Jws.Segment(tokens.AccessToken, 0);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        Assert.Equal(Assert.Single(keys.EnumerateArray()).GetProperty("kid").GetString(), header.GetProperty("kid").GetString());
        Assert.Equal(TestKeys.Thumbprint(api.Key), header.GetProperty("kid").GetString());
    }

    [Fact]
    public async Task access_tokens_verify_with_an_independent_library_against_the_published_key()
    {
        var (email, userId, tokens) = await api.NewSessionAsync();
        var (keys, _) = await api.Host.JwksAsync();
        var jwk = Assert.Single(keys.EnumerateArray());
        using var published = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint
            {
                X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()),
                Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()),
            },
        });

        var claims = JsonDocument.Parse(Jose.JWT.Decode(tokens.AccessToken, published, Jose.JwsAlgorithm.ES256)).RootElement;

        Assert.Equal(userId.ToString(), claims.GetProperty("sub").GetString());
        Assert.Equal(email, claims.GetProperty("email").GetString());
        Assert.Equal(ApiFixture.Issuer, claims.GetProperty("iss").GetString());
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.ThrowsAny<Jose.JoseException>(() => Jose.JWT.Decode(tokens.AccessToken, stranger, Jose.JwsAlgorithm.ES256));
        var me = await api.Host.MeAsync(tokens.AccessToken);
        Assert.Equal(userId, me.GetProperty("id").GetGuid());
    }
}
