using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>
/// ASP.NET Core's authorization service with one shortcut: a policy whose only requirement is an
/// authenticated user (what every protected slice asks), for an authenticated user, succeeds without
/// building a handler context and running the handlers over it. That is exactly what the library would
/// decide while its own parts are the only ones registered (the pass-through handler, the default
/// context factory and evaluator), which is checked once, at start-up; anything else (another
/// requirement, an anonymous user, a registered handler of the API's own) goes to the library.
/// </summary>
public sealed class AuthenticatedUserAuthorization(
    IAuthorizationService library,
    IEnumerable<IAuthorizationHandler> handlers,
    IAuthorizationHandlerContextFactory contexts,
    IAuthorizationEvaluator evaluator) : IAuthorizationService
{
    private static readonly Task<AuthorizationResult> Succeeded = Task.FromResult(AuthorizationResult.Success());

    private readonly bool _libraryPartsOnly =
        handlers.Select(handler => handler.GetType()).SequenceEqual([typeof(PassThroughAuthorizationHandler)])
        && contexts.GetType() == typeof(DefaultAuthorizationHandlerContextFactory)
        && evaluator.GetType() == typeof(DefaultAuthorizationEvaluator);

    public Task<AuthorizationResult> AuthorizeAsync(ClaimsPrincipal user, object? resource, IEnumerable<IAuthorizationRequirement> requirements) =>
        _libraryPartsOnly && OnlyAuthenticatedUser(requirements) && IsAuthenticated(user)
            ? Succeeded
            : library.AuthorizeAsync(user, resource, requirements);

    public Task<AuthorizationResult> AuthorizeAsync(ClaimsPrincipal user, object? resource, string policyName) =>
        library.AuthorizeAsync(user, resource, policyName);

    private static bool OnlyAuthenticatedUser(IEnumerable<IAuthorizationRequirement> requirements)
    {
        if (requirements is not IReadOnlyList<IAuthorizationRequirement> { Count: > 0 } list)
            return false;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not DenyAnonymousAuthorizationRequirement)
                return false;
        }
        return true;
    }

    // DenyAnonymousAuthorizationRequirement's own test, negated.
    private static bool IsAuthenticated(ClaimsPrincipal? user) =>
        user?.Identity is not null && user.Identities.Any(identity => identity.IsAuthenticated);
}
