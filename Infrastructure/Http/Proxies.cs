using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace SliceAuth.Infrastructure.Http;

/// <summary>
/// The client IP that rate limits key on is the connection's address. `X-Forwarded-For` replaces it
/// only when the connection comes from a proxy listed in `ForwardedHeaders:KnownProxies` (addresses) or
/// `ForwardedHeaders:KnownNetworks` (CIDR ranges): by default no proxy, not even loopback, is trusted.
/// </summary>
public static class Proxies
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = configuration.GetSection($"{Section}:KnownProxies").Get<string[]>() ?? [];
        var networks = configuration.GetSection($"{Section}:KnownNetworks").Get<string[]>() ?? [];
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
                options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new StartupFailure($"{Section}:KnownProxies: '{proxy}' is not an IP address."));
            foreach (var network in networks)
                options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var range)
                    ? range
                    : throw new StartupFailure($"{Section}:KnownNetworks: '{network}' is not a CIDR range such as 10.0.0.0/8."));
        });
        return services;
    }

    /// <summary>
    /// With no proxy listed the middleware is left out: given empty lists, ForwardedHeaders would trust
    /// every sender of the header.
    /// </summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (options.KnownProxies.Count > 0 || options.KnownIPNetworks.Count > 0)
            app.UseForwardedHeaders();
        return app;
    }
}
