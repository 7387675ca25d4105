using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using SliceAuth.Tests.Keys;

namespace SliceAuth.Tests.Features.Jwks;

/// <summary>
/// Under RS256 verification is pinned to RS256 and to the published keys: the classic confusions (the
/// public key used as an HMAC secret, `alg: none`, another algorithm, a stolen `kid`) all get 401.
/// </summary>
public sealed class AlgorithmConfusionTests(Rs256Api api) : IClassFixture<Rs256Api>
{
    private string RealKid => TestKeys.Thumbprint(api.Key);

    [Fact]
    public async Task a_token_the_test_signs_with_the_real_key_is_accepted()
    {
        var userId = Guid.NewGuid();
        var real = new RsaSecurityKey(api.Key) { KeyId = RealKid };

        var me = await api.Host.MeAsync(Jws.Signed(real, SecurityAlgorithms.RsaSha256, userId, Guid.NewGuid()));

        Assert.Equal(userId, me.GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData("pem", true)]
    [InlineData("pem", false)]
    [InlineData("der", true)]
    [InlineData("der", false)]
    [InlineData("pkcs1-pem", true)]
    public async Task an_hs256_token_keyed_with_the_rsa_public_key_is_rejected(string form, bool withKid)
    {
        var secret = form switch
        {
            "pem" => Encoding.UTF8.GetBytes(api.Key.ExportSubjectPublicKeyInfoPem()),
            "der" => api.Key.ExportSubjectPublicKeyInfo(),
            _ => Encoding.UTF8.GetBytes(api.Key.ExportRSAPublicKeyPem()),
        };

        await api.Host.ShouldRejectAsync(Jws.Hmac(secret, withKid ? RealKid : null));
    }

    [Fact]
    public async Task a_token_signed_by_an_unrelated_key_under_the_real_kid_is_rejected()
    {
        using var unrelated = RSA.Create(2048);

        await api.Host.ShouldRejectAsync(Jws.Signed(new RsaSecurityKey(unrelated) { KeyId = RealKid }, SecurityAlgorithms.RsaSha256));
    }

    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha384)]
    [InlineData(SecurityAlgorithms.RsaSha512)]
    [InlineData(SecurityAlgorithms.RsaSsaPssSha256)]
    public async Task a_token_signed_by_the_real_key_with_another_algorithm_is_rejected(string algorithm)
    {
        await api.Host.ShouldRejectAsync(Jws.Signed(new RsaSecurityKey(api.Key) { KeyId = RealKid }, algorithm));
    }

    [Fact]
    public async Task an_es256_token_is_rejected()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        await api.Host.ShouldRejectAsync(Jws.Signed(new ECDsaSecurityKey(ec) { KeyId = RealKid }, SecurityAlgorithms.EcdsaSha256));
    }

    [Fact]
    public async Task an_unsigned_token_is_rejected()
    {
        await api.Host.ShouldRejectAsync(Jws.Unsigned(kid: RealKid));
        await api.Host.ShouldRejectAsync(Jws.Unsigned(kid: null));
    }
}
