using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using SliceAuth.Infrastructure.Http;

namespace SliceAuth.Tests.Operations;

/// <summary>
/// The middleware alone, around pipelines that finish at once or later; the API's own 401/404/405/415
/// answers are checked through the host in the slices' tests.
/// </summary>
public sealed class EmptyErrorResponsesTests
{
    [Theory]
    [InlineData(404, false)]
    [InlineData(405, true)]
    [InlineData(503, false)]
    public async Task an_empty_error_gets_a_problem_body(int status, bool later)
    {
        var context = await RunAsync(status, later);

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(Problems.ContentType, context.Response.ContentType?.Split(';')[0]);
        using var body = JsonDocument.Parse(Body(context));
        Assert.Equal(status, body.RootElement.GetProperty("status").GetInt32());
        Assert.StartsWith("00-", body.RootElement.GetProperty("traceId").GetString());
    }

    [Theory]
    [InlineData(200, false)]
    [InlineData(204, true)]
    [InlineData(399, false)]
    [InlineData(600, false)]
    public async Task a_status_that_is_not_an_error_is_left_alone(int status, bool later)
    {
        var context = await RunAsync(status, later);

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Null(context.Response.ContentType);
        Assert.Equal("", Body(context));
    }

    [Fact]
    public async Task an_error_with_its_own_body_is_left_alone()
    {
        var context = await RunAsync(409, later: true, write: async c =>
        {
            c.Response.ContentType = "text/plain";
            await c.Response.WriteAsync("own");
        });

        Assert.Equal("text/plain", context.Response.ContentType);
        Assert.Equal("own", Body(context));
    }

    [Fact]
    public async Task an_error_with_a_content_length_is_left_alone()
    {
        var context = await RunAsync(400, later: false, write: c =>
        {
            c.Response.ContentLength = 0;
            return Task.CompletedTask;
        });

        Assert.Null(context.Response.ContentType);
        Assert.Equal("", Body(context));
    }

    [Fact]
    public async Task an_endpoint_that_skips_status_code_pages_keeps_its_empty_error()
    {
        var context = await RunAsync(404, later: false, write: c =>
        {
            c.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new SkipsStatusCodePages()), "skips"));
            return Task.CompletedTask;
        });

        Assert.Null(context.Response.ContentType);
        Assert.Equal("", Body(context));
    }

    private static async Task<DefaultHttpContext> RunAsync(int status, bool later, Func<HttpContext, Task>? write = null)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var middleware = new EmptyErrorResponses(async c =>
        {
            if (later)
                await Task.Delay(5); // Task.Yield may resume inline under the test's synchronization context
            c.Response.StatusCode = status;
            if (write is not null)
                await write(c);
        });
        await middleware.InvokeAsync(context);
        return context;
    }

    private static string Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }

    private sealed class SkipsStatusCodePages : ISkipStatusCodePagesMetadata;
}
