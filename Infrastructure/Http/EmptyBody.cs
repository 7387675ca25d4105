
namespace SliceAuth.Infrastructure.Http;

public static class EmptyBody
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>
    /// A request with no content at all is read as `{}`: a body without fields. So a cookie-only refresh or
    /// logout needs no JSON, and an empty login is a validation error on its fields rather than a parse error.
    /// Runs before routing, so the JSON-only endpoints accept it.
    /// </summary>
    public static WebApplication UseEmptyBodyAsEmptyObject(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (HttpMethods.IsPost(request.Method) && (request.ContentLength == 0
                || request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
            {
                request.Body = new MemoryStream(EmptyObject, writable: false);
                request.ContentLength = EmptyObject.Length;
                request.ContentType = "application/json; charset=utf-8";
            }
            return next(context);
        });
        return app;
    }

}
