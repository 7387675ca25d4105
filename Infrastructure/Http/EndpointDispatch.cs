using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using FastEndpoints;

namespace SliceAuth.Infrastructure.Http;

/// <summary>
/// Runs each FastEndpoints endpoint straight from its route, without the delegate ASP.NET Core builds
/// from expressions around it.
/// </summary>
/// <remarks>
/// FastEndpoints maps every endpoint to the minimal-API handler <c>() =&gt; FeRequestHandler.Instance</c>,
/// one <see cref="IResult"/> that runs whichever endpoint the request matched. ASP.NET Core wraps that
/// handler in a request delegate made of expression trees, which the native build can only interpret:
/// 2.1 % of the API's CPU on <c>GET /auth/me</c> went to the interpreter (perf). The route's request
/// delegate here is the same result's <see cref="IResult.ExecuteAsync"/>, so every request runs exactly
/// what the handler's result would have run. FastEndpoints does not make that result public: it is read
/// once, by name, and if a later FastEndpoints renames it the routes keep FastEndpoints' own delegate
/// (EndpointDispatchTests fails then, so the loss is seen).
/// </remarks>
public static class EndpointDispatch
{
    /// <summary>The request delegate that runs the matched endpoint, or null when FastEndpoints no longer has it.</summary>
    public static RequestDelegate? Direct { get; } = Find();

    /// <summary>
    /// Gives the endpoint the direct delegate, when there is one, after every other convention: a route
    /// with endpoint filters keeps ASP.NET Core's delegate, which is the one that runs them.
    /// </summary>
    public static void Apply(EndpointDefinition endpoint)
    {
        if (Direct is { } direct)
            endpoint.Options(route => route.Finally(builder =>
            {
                if (builder.FilterFactories.Count == 0)
                    builder.RequestDelegate = direct;
            }));
    }

    [DynamicDependency(DynamicallyAccessedMemberTypes.NonPublicProperties, "FastEndpoints.FeRequestHandler", "FastEndpoints")]
    private static RequestDelegate? Find() =>
        Type.GetType("FastEndpoints.FeRequestHandler, FastEndpoints")
            ?.GetProperty("Instance", BindingFlags.Static | BindingFlags.NonPublic)
            ?.GetValue(null) is IResult handler
            ? handler.ExecuteAsync
            : null;
}
