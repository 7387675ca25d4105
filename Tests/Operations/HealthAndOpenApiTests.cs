using System.Text.Json;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Operations;

public sealed class HealthAndOpenApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task health_endpoints_answer_200_with_a_migrated_database(string path)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Get.Url(path);
            s.StatusCodeShouldBe(200);
        });
        Assert.Equal("Healthy", (await result.BodyAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ready_is_503_when_a_migration_is_missing()
    {
        var latest = await api.ScalarAsync<long>("""select max("Version") from "VersionInfo" """);
        await api.ExecuteAsync("""delete from "VersionInfo" where "Version" = $1""", latest);
        try
        {
            var result = await api.Host.Scenario(s =>
            {
                s.Get.Url("/health/ready");
                s.StatusCodeShouldBe(503);
            });
            result.ShouldBeProblem(await result.BodyAsync(), 503);
        }
        finally
        {
            await api.ExecuteAsync("""insert into "VersionInfo" ("Version") values ($1)""", latest);
        }
    }

    [Fact]
    public async Task the_openapi_document_lists_every_endpoint_and_the_bearer_scheme()
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Get.Url("/swagger/v1/swagger.json");
            s.StatusCodeShouldBe(200);
        });

        var document = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        var paths = document.GetProperty("paths");
        foreach (var (path, method) in new[]
                 {
                     ("/auth/register", "post"), ("/auth/login", "post"), ("/auth/refresh", "post"), ("/auth/logout", "post"),
                     ("/auth/me", "get"), ("/auth/password", "post"), ("/auth/logout-all", "post"), ("/auth/sessions", "get"),
                     ("/auth/sessions/{id}", "delete"), ("/.well-known/jwks.json", "get"),
                 })
            Assert.True(paths.GetProperty(path).TryGetProperty(method, out _), $"{method} {path} is not documented");
        var loginResponses = paths.GetProperty("/auth/login").GetProperty("post").GetProperty("responses");
        foreach (var status in new[] { "200", "400", "401", "429", "503" })
            Assert.True(loginResponses.TryGetProperty(status, out _), $"login does not document {status}");
        Assert.True(loginResponses.GetProperty("401").GetProperty("content").TryGetProperty("application/problem+json", out _));
        Assert.True(paths.GetProperty("/auth/register").GetProperty("post").GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(paths.GetProperty("/auth/sessions/{id}").GetProperty("delete").GetProperty("responses").TryGetProperty("404", out _));
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Contains(schemes.EnumerateObject(), s => s.Value.GetProperty("scheme").GetString() == "Bearer");
    }
}
