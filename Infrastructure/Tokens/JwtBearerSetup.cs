using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SliceAuth.Infrastructure.Http;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>
/// JWT bearer validation for the protected slices: what FastEndpoints.Security would set up, written out.
/// Validation is stateless: it never touches the database.
/// </summary>
public static class JwtBearerSetup
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private static bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, DateTime now) =>
        expires is { } exp && now < exp.ToUniversalTime() + ClockSkew
        && (notBefore is not { } nbf || now >= nbf.ToUniversalTime() - ClockSkew);

    public static IServiceCollection AddJwtBearerAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddSingleton(provider => new LibraryLogs(provider.GetRequiredService<ILoggerFactory>()));
        // Each request that needs one gets its own handler, built by this factory, not by the
        // container's reflection; one provider serves every request.
        services.Replace(ServiceDescriptor.Transient<JwtBearerHandler>(provider => new JwtBearerHandler(
            provider.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>(),
            provider.GetRequiredService<LibraryLogs>(),
            provider.GetRequiredService<UrlEncoder>())));
        services.Replace(ServiceDescriptor.Singleton<IAuthenticationHandlerProvider>(provider =>
            new RequestHandlers(provider.GetRequiredService<IAuthenticationSchemeProvider>())));
        // A remembered token authenticates from memory; any other request, through ASP.NET Core's service.
        services.AddScoped(provider => new AuthenticationService(
            provider.GetRequiredService<IAuthenticationSchemeProvider>(),
            provider.GetRequiredService<IAuthenticationHandlerProvider>(),
            provider.GetRequiredService<IClaimsTransformation>(),
            provider.GetRequiredService<IOptions<AuthenticationOptions>>()));
        services.Replace(ServiceDescriptor.Singleton<IAuthenticationService>(provider => new RememberedTokenAuthentication(
            provider.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>(),
            provider.GetRequiredService<IClaimsTransformation>())));
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeys, IOptions<JwtOptions>, TimeProvider>((bearer, keys, jwt, time) =>
            {
                bearer.MapInboundClaims = false;
                // Nothing reads the token back from the authentication properties.
                bearer.SaveToken = false;
                bearer.TokenHandlers.Clear();
                // A token must name its user and session as GUIDs (`sub`, `sid`); one that does not is
                // refused, as invalid, and never remembered.
                bearer.TokenHandlers.Add(new CachingTokenHandler(time, ClockSkew, Caller.Read) { MapInboundClaims = false });
                // Internal reasons ("signature key was not found") stay out of WWW-Authenticate.
                bearer.IncludeErrorDetails = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidAlgorithms = [keys.Algorithm],
                    ValidTypes = [TokenIssuer.AccessTokenType],
                    ValidIssuer = jwt.Value.Issuer,
                    ValidAudience = jwt.Value.Audience,
                    IssuerSigningKeyResolver = (_, _, kid, _) => keys.Resolve(kid),
                    ValidateIssuerSigningKey = true,
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ClockSkew = ClockSkew,
                    // The API's clock, not the library's: the same TimeProvider that stamped iat and exp.
                    LifetimeValidator = (notBefore, expires, _, _) => IsWithinLifetime(notBefore, expires, time.GetUtcNow().UtcDateTime),
                    NameClaimType = JwtRegisteredClaimNames.Sub,
                };
                bearer.Events = new JwtBearerEvents
                {
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        // RFC 6750: error="invalid_token" only when a token was presented and rejected.
                        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
                            ? "Bearer"
                            : "Bearer error=\"invalid_token\"";
                        await Problems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized,
                            context.AuthenticateFailure is null ? "An access token is required." : "The access token is invalid or expired.");
                    },
                };
            });
        services.AddAuthorization();
        // The policy evaluator is stateless, but registered per use: the authorization middleware would
        // build a new one (and its authorization service) for every request. One serves them all, and
        // its authorization service decides "an authenticated user" for itself.
        services.Replace(ServiceDescriptor.Singleton<IPolicyEvaluator>(provider =>
            new PolicyEvaluator(new AuthenticatedUserAuthorization(
                provider.GetRequiredService<IAuthorizationService>(),
                provider.GetServices<IAuthorizationHandler>(),
                provider.GetRequiredService<IAuthorizationHandlerContextFactory>(),
                provider.GetRequiredService<IAuthorizationEvaluator>()))));
        return services;
    }

    /// <summary>
    /// The library's log category (<see cref="JwtBearerHandler"/>'s, under the `Microsoft.AspNetCore`
    /// settings) for what the handler logs; its logger made once, not per request.
    /// </summary>
    private sealed class LibraryLogs(ILoggerFactory factory) : ILoggerFactory
    {
        private readonly ILogger _logger = factory.CreateLogger(typeof(JwtBearerHandler).FullName!);

        public ILogger CreateLogger(string categoryName) => _logger;

        public void AddProvider(ILoggerProvider provider) => factory.AddProvider(provider);

        public void Dispose()
        {
        }
    }
}
