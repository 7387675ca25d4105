using System.Text;
using Microsoft.IdentityModel.Tokens;
using SliceAuth.Infrastructure.Tokens;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Unit;

public sealed class CachingTokenHandlerTests
{
    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes(new string('k', 48)));
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    private static TokenValidationParameters Parameters(TimeProvider clock) => new()
    {
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidIssuer = "issuer",
        ValidAudience = "audience",
        IssuerSigningKey = Key,
        ClockSkew = Skew,
        LifetimeValidator = (_, expires, _, _) => expires is { } exp && clock.GetUtcNow().UtcDateTime < exp + Skew,
    };

    private static string Token(TimeProvider clock, string subject, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new CachingTokenHandler(clock, Skew).CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "issuer",
            Audience = "audience",
            Claims = new Dictionary<string, object> { ["sub"] = subject },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        });
    }

    [Fact]
    public async Task a_remembered_token_is_still_rejected_once_it_expires()
    {
        var clock = new TestClock();
        var handler = new CachingTokenHandler(clock, Skew);
        var parameters = Parameters(clock);
        var token = Token(clock, "someone", TimeSpan.FromMinutes(1));

        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.Equal(1, handler.Count);

        clock.Advance(TimeSpan.FromMinutes(1) + Skew + TimeSpan.FromSeconds(1));
        Assert.False((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task a_rejected_token_is_not_remembered_and_a_changed_one_is_not_served_from_memory()
    {
        var clock = new TestClock();
        var handler = new CachingTokenHandler(clock, Skew);
        var parameters = Parameters(clock);
        var token = Token(clock, "someone", TimeSpan.FromMinutes(5));
        var tampered = token[..^2] + (token.EndsWith("AA", StringComparison.Ordinal) ? "BB" : "AA");

        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(tampered, parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(tampered, parameters)).IsValid);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task a_remembered_token_is_served_without_validation_until_it_expires()
    {
        var clock = new TestClock();
        var handler = new CachingTokenHandler(clock, Skew);
        var token = Token(clock, "someone", TimeSpan.FromMinutes(1));

        Assert.False(handler.TryGetValidated(token, out _));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(clock))).IsValid);
        Assert.True(handler.TryGetValidated(token, out var principal));
        Assert.Equal("someone", principal.FindFirst("sub")?.Value);
        Assert.False(handler.TryGetValidated(token[..^2] + (token.EndsWith("AA", StringComparison.Ordinal) ? "BB" : "AA"), out _));

        clock.Advance(TimeSpan.FromMinutes(1) + Skew + TimeSpan.FromSeconds(1));
        Assert.False(handler.TryGetValidated(token, out _));
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task a_token_whose_caller_cannot_be_read_is_invalid_and_not_remembered()
    {
        var clock = new TestClock();
        var welcome = new Caller(Guid.NewGuid(), "welcome@example.com", Guid.NewGuid());
        var reads = 0;
        var handler = new CachingTokenHandler(clock, Skew, identity =>
        {
            reads++;
            return identity.FindFirst("sub")?.Value == "welcome" ? welcome : null;
        });
        var parameters = Parameters(clock);
        var refused = Token(clock, "stranger", TimeSpan.FromMinutes(5));
        var accepted = Token(clock, "welcome", TimeSpan.FromMinutes(5));

        Assert.False((await handler.ValidateTokenAsync(refused, parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(refused, parameters)).IsValid);
        Assert.False(handler.TryGetValidated(refused, out _));
        Assert.True((await handler.ValidateTokenAsync(accepted, parameters)).IsValid);
        Assert.Equal(1, handler.Count);

        // The caller is read once, when the token first validates; every later request carries it.
        Assert.True(handler.TryGetValidated(accepted, out var first));
        Assert.True(handler.TryGetValidated(accepted, out var second));
        Assert.Equal(welcome, Assert.IsType<CallerPrincipal>(first).Caller);
        Assert.Equal(welcome, Caller.From(second));
        Assert.Equal(3, reads);
    }

    [Fact]
    public async Task the_cache_never_holds_more_than_its_capacity_and_drops_expired_tokens_first()
    {
        var clock = new TestClock();
        var handler = new CachingTokenHandler(clock, Skew);
        var parameters = Parameters(clock);
        var shortLived = Enumerable.Range(0, CachingTokenHandler.Capacity / 2)
            .Select(i => Token(clock, $"short {i}", TimeSpan.FromMinutes(1))).ToList();
        foreach (var token in shortLived)
            Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
        clock.Advance(TimeSpan.FromMinutes(2));

        var longLived = Enumerable.Range(0, CachingTokenHandler.Capacity)
            .Select(i => Token(clock, $"long {i}", TimeSpan.FromMinutes(15))).ToList();
        var counts = new List<int>();
        foreach (var token in longLived)
        {
            Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
            counts.Add(handler.Count);
        }

        Assert.All(counts, count => Assert.InRange(count, 1, CachingTokenHandler.Capacity));
        // When the cache filled, only the expired half went: no long-lived token was dropped, so the count
        // never fell below that half and ends full again (emptying it would have left it at half).
        Assert.Equal(CachingTokenHandler.Capacity / 2 + 1, counts.Skip(CachingTokenHandler.Capacity / 2).Min());
        Assert.Equal(CachingTokenHandler.Capacity, counts[^1]);
        Assert.True((await handler.ValidateTokenAsync(longLived[^1], parameters)).IsValid);
    }
}
