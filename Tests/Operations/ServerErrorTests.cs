using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Operations;

public sealed class ServerErrorTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_permanent_database_error_is_a_500_problem_that_leaks_nothing()
    {
        var (email, _, _) = await api.NewSessionAsync();
        await api.ExecuteAsync("alter table sessions rename to sessions_away");
        try
        {
            var result = await api.Host.Scenario(s =>
            {
                s.Post.Json(new { email, password = ApiFixture.StrongPassword }).ToUrl("/auth/login");
                s.StatusCodeShouldBe(500);
            });

            var body = await result.BodyAsync();
            result.ShouldBeProblem(body, 500);
            Assert.False(result.Context.Response.Headers.ContainsKey("Retry-After"));
            var text = body.GetRawText();
            foreach (var internals in new[] { "sessions", "relation", "Npgsql", "Exception", "   at " })
                Assert.DoesNotContain(internals, text);
        }
        finally
        {
            await api.ExecuteAsync("alter table sessions_away rename to sessions");
        }
    }
}
