using FastEndpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Operations;

public sealed class EndpointDispatchTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public void every_slice_runs_straight_from_its_route()
    {
        // Null once FastEndpoints no longer has the result its routes return: the routes would then keep
        // the delegate the native build interprets.
        Assert.NotNull(EndpointDispatch.Direct);

        var slices = api.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<EndpointDefinition>() is not null)
            .ToList();

        Assert.Contains(slices, endpoint => endpoint.RoutePattern.RawText == ApiRoutes.Me);
        Assert.Contains(slices, endpoint => endpoint.RoutePattern.RawText == ApiRoutes.Login);
        Assert.All(slices, endpoint => Assert.Same(EndpointDispatch.Direct, endpoint.RequestDelegate));
    }
}
