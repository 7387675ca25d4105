using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Tests.Unit;

/// <summary>The shortcut decides only what ASP.NET Core's own authorization would, and says so the same way.</summary>
public sealed class AuthenticatedUserAuthorizationTests : IDisposable
{
    private static readonly ClaimsPrincipal Authenticated = new(new ClaimsIdentity([new Claim("sub", "someone")], "Bearer"));
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());
    private static readonly IAuthorizationRequirement[] AuthenticatedUser = [new DenyAnonymousAuthorizationRequirement()];

    private readonly ServiceProvider _services = new ServiceCollection().AddLogging().AddAuthorizationCore().BuildServiceProvider();
    private readonly Counting _library;

    public AuthenticatedUserAuthorizationTests() => _library = new Counting(_services.GetRequiredService<IAuthorizationService>());

    public void Dispose() => _services.Dispose();

    private AuthenticatedUserAuthorization Shortcut(params IAuthorizationHandler[] extraHandlers) => new(
        _library,
        _services.GetServices<IAuthorizationHandler>().Concat(extraHandlers),
        _services.GetRequiredService<IAuthorizationHandlerContextFactory>(),
        _services.GetRequiredService<IAuthorizationEvaluator>());

    [Fact]
    public async Task an_authenticated_user_meets_the_authenticated_user_policy_without_the_library()
    {
        var result = await Shortcut().AuthorizeAsync(Authenticated, null, AuthenticatedUser);

        Assert.True(result.Succeeded);
        Assert.Equal(0, _library.Calls);
        Assert.True((await _library.AuthorizeAsync(Authenticated, null, AuthenticatedUser)).Succeeded);
    }

    [Fact]
    public async Task an_anonymous_user_gets_the_librarys_failure()
    {
        var result = await Shortcut().AuthorizeAsync(Anonymous, null, AuthenticatedUser);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Failure!.FailedRequirements, requirement => requirement is DenyAnonymousAuthorizationRequirement);
        Assert.Equal(1, _library.Calls);
    }

    [Fact]
    public async Task any_other_requirement_is_the_librarys_to_decide()
    {
        IAuthorizationRequirement[] requirements = [new DenyAnonymousAuthorizationRequirement(), new RolesAuthorizationRequirement(["admin"])];

        var result = await Shortcut().AuthorizeAsync(Authenticated, null, requirements);

        Assert.False(result.Succeeded);
        Assert.Equal(1, _library.Calls);
    }

    [Fact]
    public async Task a_handler_of_the_apis_own_turns_the_shortcut_off()
    {
        var result = await Shortcut(new RefuseAll()).AuthorizeAsync(Authenticated, null, AuthenticatedUser);

        Assert.Equal(1, _library.Calls);
        Assert.True(result.Succeeded); // the counted library has no RefuseAll: what matters is who decided
    }

    private sealed class RefuseAll : IAuthorizationHandler
    {
        public Task HandleAsync(AuthorizationHandlerContext context)
        {
            context.Fail();
            return Task.CompletedTask;
        }
    }

    private sealed class Counting(IAuthorizationService inner) : IAuthorizationService
    {
        public int Calls { get; private set; }

        public Task<AuthorizationResult> AuthorizeAsync(ClaimsPrincipal user, object? resource, IEnumerable<IAuthorizationRequirement> requirements)
        {
            Calls++;
            return inner.AuthorizeAsync(user, resource, requirements);
        }

        public Task<AuthorizationResult> AuthorizeAsync(ClaimsPrincipal user, object? resource, string policyName)
        {
            Calls++;
            return inner.AuthorizeAsync(user, resource, policyName);
        }
    }
}
