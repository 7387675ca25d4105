
namespace SliceAuth.Infrastructure.Http;

public static class JsonBodies
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>
    /// A request with no content at all is read as `{}`: a body without fields. So a cookie-only refresh or
    /// logout needs no JSON, and an empty login is a validation error on its fields rather than a parse error.
    /// A body without a Content-Type is not JSON: 415. Runs before routing, so the JSON-only endpoints
    /// accept the empty object.
    /// </summary>
    public static WebApplication UseJsonBodies(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (!HttpMethods.IsPost(request.Method))
                return next(context);
            if (request.ContentLength == 0 || request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding"))
            {
                request.Body = new MemoryStream(EmptyObject, writable: false);
                request.ContentLength = EmptyObject.Length;
                request.ContentType = "application/json; charset=utf-8";
            }
            else if (string.IsNullOrEmpty(request.ContentType))
            {
                return Problems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "The request body must be JSON (Content-Type: application/json).");
            }
            return next(context);
        });
        return app;
    }

}
