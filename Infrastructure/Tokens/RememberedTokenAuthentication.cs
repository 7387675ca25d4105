using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>
/// ASP.NET Core's authentication service with one shortcut: a bearer token that
/// <see cref="CachingTokenHandler"/> validated before, and that is still within its lifetime,
/// authenticates its request from that memory. The request then skips what ASP.NET Core builds for it
/// first: its own authentication service and JwtBearer handler (from the request's services), the
/// handler's options and events, and a copy of the validation parameters. Everything else (no token, a
/// token not seen before or expired, another scheme, challenges and forbids) goes to ASP.NET Core's
/// service, built per request as before. The shortcut reads the header as the JwtBearer handler does and
/// gives a principal of the same identity; it is taken only while nothing transforms claims, and the API
/// sets no MessageReceived event and no forwarding (JwtBearerSetup), whose work it would skip.
/// </summary>
public sealed class RememberedTokenAuthentication(IOptionsMonitor<JwtBearerOptions> bearer, IClaimsTransformation transformation)
    : IAuthenticationService
{
    private const string Bearer = "Bearer ";
    private readonly bool _claimsKept = transformation is NoopClaimsTransformation;

    public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme) =>
        scheme == JwtBearerDefaults.AuthenticationScheme && Remembered(context) is { } principal
            ? Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, JwtBearerDefaults.AuthenticationScheme)))
            : Library(context).AuthenticateAsync(context, scheme);

    public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) =>
        Library(context).ChallengeAsync(context, scheme, properties);

    public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) =>
        Library(context).ForbidAsync(context, scheme, properties);

    public Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties) =>
        Library(context).SignInAsync(context, scheme, principal, properties);

    public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) =>
        Library(context).SignOutAsync(context, scheme, properties);

    // The token as the JwtBearer handler reads it: one Authorization header, "Bearer " in any case, trimmed.
    private ClaimsPrincipal? Remembered(HttpContext context)
    {
        if (!_claimsKept || context.Request.Headers.Authorization is not [{ } authorization])
            return null;
        return authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
               && bearer.Get(JwtBearerDefaults.AuthenticationScheme).TokenHandlers is [CachingTokenHandler tokens, ..]
               && tokens.TryGetValidated(authorization.AsSpan(Bearer.Length).Trim(), out var principal)
            ? principal
            : null;
    }

    private static AuthenticationService Library(HttpContext context) =>
        context.RequestServices.GetRequiredService<AuthenticationService>();
}
