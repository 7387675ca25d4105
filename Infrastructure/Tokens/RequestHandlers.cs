using Microsoft.AspNetCore.Authentication;

namespace SliceAuth.Infrastructure.Tokens;

/// <summary>
/// ASP.NET Core's authentication handler provider, as one instance for the app instead of one built
/// for every request. As the library's does, it makes a request's handler for a scheme on first use
/// (from the request's services) and gives the same one for the rest of the request; it keeps them in
/// the request's features. The authentication middleware asks for a provider on every request, but
/// one authenticated from a remembered token never needs a handler.
/// </summary>
public sealed class RequestHandlers(IAuthenticationSchemeProvider schemes) : IAuthenticationHandlerProvider
{
    public async Task<IAuthenticationHandler?> GetHandlerAsync(HttpContext context, string authenticationScheme)
    {
        var made = context.Features.Get<Made>();
        if (made is null)
        {
            made = new Made();
            context.Features.Set(made);
        }
        if (made.Handlers.TryGetValue(authenticationScheme, out var handler))
            return handler;

        var scheme = await schemes.GetSchemeAsync(authenticationScheme);
        if (scheme is null)
            return null;
        handler = (context.RequestServices.GetService(scheme.HandlerType)
                   ?? ActivatorUtilities.CreateInstance(context.RequestServices, scheme.HandlerType)) as IAuthenticationHandler;
        if (handler is not null)
        {
            await handler.InitializeAsync(scheme, context);
            made.Handlers[authenticationScheme] = handler;
        }
        return handler;
    }

    private sealed class Made
    {
        public Dictionary<string, IAuthenticationHandler> Handlers { get; } = new(StringComparer.Ordinal);
    }
}
