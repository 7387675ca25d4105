using FastEndpoints;
using SliceAuth.Infrastructure.Http;

namespace SliceAuth.Tests.Unit;

/// <summary>
/// The native build serializes only what <see cref="ApiJson"/> generates code for: every request and
/// response type of every endpoint must be listed there, or that endpoint fails only once published.
/// </summary>
public sealed class ApiJsonTests
{
    public static TheoryData<string> EndpointTypes()
    {
        var data = new TheoryData<string>();
        foreach (var endpoint in Endpoints())
            data.Add(endpoint.FullName!);
        return data;
    }

    [Fact]
    public void Every_slice_is_found()
    {
        Assert.Equal(10, Endpoints().Count());
    }

    [Theory]
    [MemberData(nameof(EndpointTypes))]
    public void The_endpoints_request_and_response_types_have_generated_serialization(string endpointName)
    {
        var endpoint = Endpoints().Single(e => e.FullName == endpointName);
        foreach (var type in BodyTypes(endpoint))
            Assert.True(ApiJson.Default.GetTypeInfo(type) is not null,
                $"{type.FullName} ({endpointName}) is missing from ApiJson's [JsonSerializable] list.");
    }

    [Fact]
    public void The_problem_and_health_bodies_have_generated_serialization()
    {
        Assert.NotNull(ApiJson.Default.GetTypeInfo(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails)));
        Assert.NotNull(ApiJson.Default.GetTypeInfo(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails)));
        Assert.NotNull(ApiJson.Default.GetTypeInfo(typeof(HealthBody)));
    }

    private static IEnumerable<Type> Endpoints() =>
        typeof(ApiJson).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsClass: true } && typeof(IEndpoint).IsAssignableFrom(t));

    /// <summary>The TRequest and TResponse of the endpoint's base class, other than FastEndpoints' empty ones.</summary>
    private static IEnumerable<Type> BodyTypes(Type endpoint)
    {
        for (var type = endpoint.BaseType; type is not null; type = type.BaseType)
        {
            if (!type.IsGenericType || type.Namespace != typeof(EmptyRequest).Namespace)
                continue;
            return type.GetGenericArguments().Where(t => t != typeof(EmptyRequest) && t != typeof(EmptyResponse) && t != typeof(object));
        }
        return [];
    }
}
