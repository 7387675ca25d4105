using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Operations;

/// <summary>The slices' bodies go through the API's own response writer: exact bytes and media types.</summary>
public sealed class ResponseBodyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_slice_answers_with_its_types_camel_case_json_and_a_utf8_charset()
    {
        var (email, userId, tokens) = await api.NewSessionAsync();

        var result = await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/me");
            s.WithRequestHeader("Authorization", $"Bearer {tokens.AccessToken}");
            s.StatusCodeShouldBe(200);
        });

        Assert.Equal("application/json; charset=utf-8", result.Context.Response.ContentType);
        Assert.Equal($$"""{"id":"{{userId}}","email":"{{email}}"}""", await result.ReadAsTextAsync());
    }

    [Fact]
    public async Task a_validation_failure_is_problem_json_with_a_utf8_charset()
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email = "not-an-email", password = ApiFixture.StrongPassword }).ToUrl("/auth/register");
            s.StatusCodeShouldBe(400);
        });

        Assert.Equal("application/problem+json; charset=utf-8", result.Context.Response.ContentType);
        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        Assert.NotEmpty(body.Errors("email"));
    }
}
