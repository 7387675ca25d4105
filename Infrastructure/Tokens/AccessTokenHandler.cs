using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>
/// The JwtBearer handler with one shortcut: a request whose bearer token validated before, and is still
/// within its lifetime, is authenticated from <see cref="CachingTokenHandler"/>'s memory, without the
/// library's per-request work around it (a copy of the validation parameters, the events, the ticket's
/// properties). Every other request (no token, a token not seen before, an expired one) takes the
/// library's path, and only that path remembers a token. The API sets no MessageReceived event, whose
/// work the shortcut would skip.
/// </summary>
public sealed class AccessTokenHandler(IOptionsMonitor<JwtBearerOptions> options, AccessTokenHandler.LibraryLogs logs, UrlEncoder encoder)
    : JwtBearerHandler(options, logs, encoder)
{
    /// <summary>
    /// The library's log category (<see cref="JwtBearerHandler"/>'s, under the `Microsoft.AspNetCore`
    /// settings) for what the handler logs, instead of this type's name; its logger made once, not per
    /// request.
    /// </summary>
    public sealed class LibraryLogs(ILoggerFactory factory) : ILoggerFactory
    {
        private readonly ILogger _logger = factory.CreateLogger(typeof(JwtBearerHandler).FullName!);

        public ILogger CreateLogger(string categoryName) => _logger;

        public void AddProvider(ILoggerProvider provider) => factory.AddProvider(provider);

        public void Dispose()
        {
        }
    }

    private const string Bearer = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            && Options.TokenHandlers is [CachingTokenHandler tokens, ..]
            && tokens.TryGetValidated(authorization[Bearer.Length..].Trim(), out var identity))
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        return base.HandleAuthenticateAsync();
    }
}
