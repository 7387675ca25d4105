using Microsoft.AspNetCore.Http.Metadata;

namespace SliceAuth.Infrastructure.Http;

/// <summary>
/// Gives an error status that left the response empty (routing's 404 and 405, the authentication
/// middleware's challenges, a 415 or 429) its problem+json body. The rule is that of ASP.NET Core's
/// status-code pages: a status from 400 to 599, nothing started, no Content-Length, no Content-Type, and
/// no <see cref="ISkipStatusCodePagesMetadata"/> on the endpoint. Unlike that middleware it allocates
/// nothing and builds no state machine for a request that completes without waiting, which is every
/// token-only request (bench/).
/// </summary>
public sealed class EmptyErrorResponses(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var pending = next(context);
        if (!pending.IsCompletedSuccessfully)
            return AfterAsync(pending, context);
        return NeedsBody(context) ? Problems.WriteAsync(context, context.Response.StatusCode) : Task.CompletedTask;
    }

    private static async Task AfterAsync(Task pending, HttpContext context)
    {
        await pending;
        if (NeedsBody(context))
            await Problems.WriteAsync(context, context.Response.StatusCode);
    }

    private static bool NeedsBody(HttpContext context)
    {
        var response = context.Response;
        return response.StatusCode is >= 400 and < 600
            && !response.HasStarted
            && response.ContentLength is null
            && string.IsNullOrEmpty(response.ContentType)
            && context.GetEndpoint()?.Metadata.GetMetadata<ISkipStatusCodePagesMetadata>() is null;
    }
}
