using SliceAuth.Infrastructure.Database;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Operations;

/// <summary>An API on a PostgreSQL cluster of its own, which the test stops and starts again.</summary>
public sealed class StoppableDatabaseApi : ApiFixture
{
    private EmbeddedPostgres? _cluster;

    public EmbeddedPostgres Cluster => _cluster!;

    protected override Task<string> CreateDatabaseAsync()
    {
        _cluster = EmbeddedPostgres.Start(Path.Combine(Path.GetTempPath(), $"sliceauth-outage-{Guid.NewGuid():N}"[..30]), durable: false);
        _cluster.EnsureDatabase("sliceauth");
        return Task.FromResult(_cluster.ConnectionString("sliceauth"));
    }

    protected override Task DropDatabaseAsync()
    {
        _cluster?.Stop();
        if (_cluster is not null)
            Directory.Delete(_cluster.DataDirectory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class DatabaseOutageTests(StoppableDatabaseApi api) : IClassFixture<StoppableDatabaseApi>
{
    [Fact]
    public async Task while_the_database_is_down_endpoints_answer_503_and_the_api_recovers_by_itself()
    {
        var (email, _, tokens) = await api.NewSessionAsync();

        api.Cluster.Stop();
        try
        {
            foreach (var (path, body) in new (string, object)[]
                     {
                         ("/auth/login", new { email, password = ApiFixture.StrongPassword }),
                         ("/auth/register", new { email = ApiFixture.UniqueEmail(), password = ApiFixture.StrongPassword }),
                         ("/auth/refresh", new { refreshToken = tokens.RefreshToken }),
                     })
            {
                var started = DateTime.UtcNow;
                var result = await api.Host.Scenario(s =>
                {
                    s.Post.Json(body).ToUrl(path);
                    s.StatusCodeShouldBe(503);
                });
                Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"{path} took too long to fail");
                var problem = await result.BodyAsync();
                result.ShouldBeProblem(problem, 503);
                Assert.Equal("5", result.Context.Response.Headers.RetryAfter.ToString());
                Assert.DoesNotContain("Npgsql", problem.GetRawText());
            }
            await api.Host.Scenario(s =>
            {
                s.Get.Url("/health/ready");
                s.StatusCodeShouldBe(503);
            });
            // Verification is stateless: valid access tokens keep working.
            await api.Host.Scenario(s =>
            {
                s.Get.Url("/auth/me");
                s.WithRequestHeader("Authorization", $"Bearer {tokens.AccessToken}");
                s.StatusCodeShouldBe(200);
            });
        }
        finally
        {
            api.Cluster.Restart();
        }

        await api.Host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBe(200);
        });
        await api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken = tokens.RefreshToken }).ToUrl("/auth/refresh");
            s.StatusCodeShouldBe(200);
        });
    }
}
