using System.Text.Json;
using System.Text.Json.Serialization;

namespace SliceAuth.Infrastructure.Http;

/// <summary>
/// How the slices' response bodies are written. FastEndpoints' own writer hands every body to the
/// serializer as <c>object</c>, which then finds the runtime type's contract on each response; this one
/// looks the contract up by the body's type and writes it straight to the response pipe, as ASP.NET
/// Core's typed results do. Same bytes, same content type (with its charset).
/// </summary>
public static class ResponseWriter
{
    public static Func<HttpResponse, object?, string, JsonSerializerContext?, CancellationToken, Task> For(JsonSerializerOptions options) =>
        (response, body, contentType, context, ct) =>
        {
            if (body is null)
                return Task.CompletedTask;
            var json = context?.Options ?? options;
            // A body whose runtime type has no contract of its own (a List<T> sent for the declared
            // IReadOnlyList<T>) goes the way FastEndpoints sends it, through `object`.
            return json.TryGetTypeInfo(body.GetType(), out var contract)
                ? response.WriteAsJsonAsync(body, contract, WithCharset(contentType), ct)
                : response.WriteAsJsonAsync(body, json.GetTypeInfo(typeof(object)), WithCharset(contentType), ct);
        };

    private static string WithCharset(string contentType) => contentType switch
    {
        "application/json" => "application/json; charset=utf-8",
        "application/problem+json" => "application/problem+json; charset=utf-8",
        _ => contentType + "; charset=utf-8",
    };
}
