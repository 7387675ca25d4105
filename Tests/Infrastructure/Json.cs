using System.Text.Json;
using Alba;

namespace SliceAuth.Tests.Infrastructure;

public static class Json
{
    public static async Task<JsonElement> BodyAsync(this IScenarioResult result) =>
        JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;

    /// <summary>The messages of one field in a validation problem's `errors` map.</summary>
    public static string[] Errors(this JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>Asserts the RFC 9457 shape every error of the API has.</summary>
    public static void ShouldBeProblem(this IScenarioResult result, JsonElement body, int status)
    {
        Assert.StartsWith("application/problem+json", result.Context.Response.ContentType);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("traceId").GetString()));
    }
}
