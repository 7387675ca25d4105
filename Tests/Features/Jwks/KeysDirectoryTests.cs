using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using SliceAuth.Tests.Keys;

namespace SliceAuth.Tests.Features.Jwks;

/// <summary>`Jwt:KeysDirectory`: the key whose file name sorts last signs; every key is published and accepted.</summary>
public sealed class KeysDirectoryTests(KeysDirectoryApi api) : IClassFixture<KeysDirectoryApi>
{
    [Fact]
    public async Task tokens_are_signed_by_the_key_whose_file_name_sorts_last()
    {
        var (_, _, tokens) = await api.NewSessionAsync();

        var header = Jws.Segment(tokens.AccessToken, 0);
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal(TestKeys.Thumbprint(api.Newer), header.GetProperty("kid").GetString());
        Jose.JWT.Decode(tokens.AccessToken, api.Newer, Jose.JwsAlgorithm.RS256);
    }

    [Fact]
    public async Task every_key_in_the_directory_is_published()
    {
        var (keys, _) = await api.Host.JwksAsync();

        var published = keys.EnumerateArray()
            .ToDictionary(k => k.GetProperty("kid").GetString()!, k => k.GetProperty("n").GetString());
        Assert.Equal(2, published.Count);
        Assert.Equal(Modulus(api.Older), published[TestKeys.Thumbprint(api.Older)]);
        Assert.Equal(Modulus(api.Newer), published[TestKeys.Thumbprint(api.Newer)]);
        Assert.All(keys.EnumerateArray(), k =>
        {
            Assert.Equal("RSA", k.GetProperty("kty").GetString());
            Assert.Equal("RS256", k.GetProperty("alg").GetString());
            Assert.False(k.TryGetProperty("d", out _), "a published JWK has the private member `d`");
        });
    }

    [Fact]
    public async Task a_token_signed_by_the_older_key_is_still_accepted()
    {
        var userId = Guid.NewGuid();
        var older = new RsaSecurityKey(api.Older) { KeyId = TestKeys.Thumbprint(api.Older) };
        var token = Jws.Signed(older, SecurityAlgorithms.RsaSha256, userId, Guid.NewGuid());
        Assert.Equal(TestKeys.Thumbprint(api.Older), Jws.Segment(token, 0).GetProperty("kid").GetString());

        var me = await api.Host.MeAsync(token);

        Assert.Equal(userId, me.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task a_token_signed_by_the_older_key_under_the_newer_kid_is_rejected()
    {
        var mislabelled = new RsaSecurityKey(api.Older) { KeyId = TestKeys.Thumbprint(api.Newer) };

        await api.Host.ShouldRejectAsync(Jws.Signed(mislabelled, SecurityAlgorithms.RsaSha256));
    }

    private static string Modulus(RSA rsa) => Base64Url.EncodeToString(rsa.ExportParameters(false).Modulus);
}
