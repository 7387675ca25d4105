using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using SliceAuth.Infrastructure.Tokens;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Me;

/// <summary>
/// The authentication service itself: a token validated once authenticates from memory, with its caller
/// already read; anything else takes ASP.NET Core's path, with the same outcome as before.
/// </summary>
public sealed class RememberedTokenAuthenticationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_token_validated_once_authenticates_from_memory_with_the_same_caller()
    {
        var (email, userId, tokens) = await api.NewSessionAsync();

        var first = await AuthenticateAsync($"Bearer {tokens.AccessToken}");
        var again = await AuthenticateAsync($"bearer  {tokens.AccessToken} ");

        Assert.True(first.Succeeded);
        Assert.IsNotType<CallerPrincipal>(first.Principal);
        Assert.True(again.Succeeded);
        Assert.Equal("Bearer", again.Ticket!.AuthenticationScheme);
        var remembered = Assert.IsType<CallerPrincipal>(again.Principal);
        Assert.Equal(Caller.From(first.Principal!), remembered.Caller);
        Assert.Equal(new Caller(userId, email, remembered.Caller.SessionId), remembered.Caller);
        Assert.Equal(first.Principal!.Claims.Select(claim => (claim.Type, claim.Value)), remembered.Claims.Select(claim => (claim.Type, claim.Value)));
    }

    [Fact]
    public async Task a_remembered_token_fails_once_it_expires()
    {
        var (_, _, tokens) = await api.NewSessionAsync();
        Assert.True((await AuthenticateAsync($"Bearer {tokens.AccessToken}")).Succeeded);
        Assert.True((await AuthenticateAsync($"Bearer {tokens.AccessToken}")).Succeeded);

        api.Clock.Advance(TimeSpan.FromMinutes(16));
        try
        {
            var expired = await AuthenticateAsync($"Bearer {tokens.AccessToken}");
            Assert.False(expired.Succeeded);
            Assert.NotNull(expired.Failure);
        }
        finally
        {
            api.Clock.Advance(-TimeSpan.FromMinutes(16));
        }
    }

    [Fact]
    public async Task two_authorization_headers_are_never_read_from_memory()
    {
        var (_, _, tokens) = await api.NewSessionAsync();
        Assert.True((await AuthenticateAsync($"Bearer {tokens.AccessToken}")).Succeeded);

        await using var scope = api.Host.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = new StringValues([$"Bearer {tokens.AccessToken}", $"Bearer {tokens.AccessToken}"]);
        var result = await context.AuthenticateAsync("Bearer");

        Assert.False(result.Succeeded);
        Assert.NotNull(result.Failure);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    public async Task a_request_without_a_bearer_token_has_no_result(string? authorization)
    {
        var result = await AuthenticateAsync(authorization);

        Assert.True(result.None);
        Assert.Null(result.Failure);
    }

    [Fact]
    public async Task a_request_keeps_its_handler_and_requests_do_not_share_one()
    {
        var handlers = api.Host.Services.GetRequiredService<IAuthenticationHandlerProvider>();
        await using var scope = api.Host.Services.CreateAsyncScope();
        var first = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var second = new DefaultHttpContext { RequestServices = scope.ServiceProvider };

        var handler = await handlers.GetHandlerAsync(first, "Bearer");

        Assert.NotNull(handler);
        Assert.Same(handler, await handlers.GetHandlerAsync(first, "Bearer"));
        Assert.NotSame(handler, await handlers.GetHandlerAsync(second, "Bearer"));
        Assert.Null(await handlers.GetHandlerAsync(first, "Cookies"));
    }

    private async Task<AuthenticateResult> AuthenticateAsync(string? authorization)
    {
        await using var scope = api.Host.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        if (authorization is not null)
            context.Request.Headers.Authorization = authorization;
        return await context.AuthenticateAsync("Bearer");
    }
}
