using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SliceAuth.Infrastructure.Tokens;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Unit;

public sealed class TokenIssuerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static TokenIssuer Issuer(TimeSpan? refreshLifetime = null)
    {
        var jwt = Options.Create(new JwtOptions
        {
            SigningKey = ApiFixture.SigningKey,
            RefreshTokenLifetime = refreshLifetime ?? TimeSpan.FromDays(14),
        });
        var keys = new SigningKeys(jwt, new HostingEnvironment { EnvironmentName = "Testing" }, NullLogger<SigningKeys>.Instance);
        return new TokenIssuer(keys, jwt, new FixedClock(Now));
    }

    [Fact]
    public void refresh_tokens_are_43_character_base64url_of_32_random_bytes_and_all_different()
    {
        var issuer = Issuer();

        var tokens = Enumerable.Range(0, 1000).Select(_ => issuer.CreateRefreshToken()).ToList();

        Assert.All(tokens, t =>
        {
            Assert.Matches("^[A-Za-z0-9_-]{43}$", t.Value);
            Assert.Equal(32, Base64Url.DecodeFromChars(t.Value).Length);
        });
        Assert.Equal(tokens.Count, tokens.Select(t => t.Value).Distinct().Count());
    }

    [Fact]
    public void a_refresh_token_carries_its_sha256_hash_and_its_expiry()
    {
        var token = Issuer(TimeSpan.FromDays(3)).CreateRefreshToken();

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token.Value)), token.Hash);
        Assert.Equal(Now.UtcDateTime + TimeSpan.FromDays(3), token.ExpiresAt);
        Assert.Equal(TimeSpan.FromDays(3), token.Lifetime);
    }

    [Fact]
    public void the_refresh_token_hash_is_sha256_of_the_utf8_value()
    {
        Assert.Equal(Convert.FromHexString("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            TokenIssuer.HashRefreshToken("abc"));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("7b2c0e5a-ünïcödé-🔑")), TokenIssuer.HashRefreshToken("7b2c0e5a-ünïcödé-🔑"));
        Assert.NotEqual(TokenIssuer.HashRefreshToken("a"), TokenIssuer.HashRefreshToken("A"));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
