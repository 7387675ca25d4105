using Microsoft.AspNetCore.Http.Features;

namespace SliceAuth.Infrastructure.Http;

public static class RequestLimits
{
    public const int MaxBodyBytes = 65_536;

    /// <summary>
    /// Bodies over 64 KiB are refused with 413 before anything reads them: by their Content-Length when
    /// they declare one, and by the server's body-size limit while a chunked body streams in.
    /// </summary>
    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > MaxBodyBytes)
            {
                await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                    $"The request body is larger than {MaxBodyBytes} bytes.");
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = MaxBodyBytes;
            await next(context);
        });
        return app;
    }
}
