using System.Text.Json;
using SliceAuth.Tests.Features.Refresh;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features;

/// <summary>
/// The body rules every JSON endpoint shares (JsonBodies, FastEndpoints' binder, Problems), checked on each
/// of them: a bad body is a 400 or 415 problem that names what is wrong, and it changes nothing.
/// </summary>
public sealed class BadBodyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    public static TheoryData<string, string[]> RequiredFields => new()
    {
        { "/auth/register", ["email", "password"] },
        { "/auth/login", ["email", "password"] },
        { RefreshScenarios.RefreshUrl, ["refreshToken"] },
        { RefreshScenarios.LogoutUrl, ["refreshToken"] },
    };

    public static TheoryData<string, string> MalformedJson => new()
    {
        { "/auth/register", "{\"email\":" },
        { "/auth/login", "{\"email\": \"a@b.io\", \"password\":" },
        { RefreshScenarios.RefreshUrl, "{\"refreshToken\":" },
        { RefreshScenarios.LogoutUrl, "{\"refreshToken\":" },
    };

    public static TheoryData<string, string, string> WronglyTyped => new()
    {
        { "/auth/register", "{\"email\": 5, \"password\": \"correct horse battery staple\"}", "email" },
        { "/auth/login", "{\"email\": \"a@b.io\", \"password\": 123456789012}", "password" },
        { RefreshScenarios.RefreshUrl, "{\"refreshToken\": 5}", "refreshToken" },
        { RefreshScenarios.LogoutUrl, "{\"refreshToken\": 5}", "refreshToken" },
    };

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public async Task a_request_without_any_body_is_a_validation_error_on_the_required_fields(string url, string[] fields)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Url(url);
            s.StatusCodeShouldBe(400);
        });

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        Assert.All(fields, field => Assert.NotEmpty(body.Errors(field)));
    }

    [Theory]
    [MemberData(nameof(MalformedJson))]
    public async Task malformed_json_is_reported_under_body_without_parser_internals(string url, string json)
    {
        var body = await PostJsonRejectedAsync(url, json);
        Assert.NotEmpty(body.Errors("body"));
        Assert.DoesNotContain("LineNumber", body.GetRawText());
    }

    [Theory]
    [MemberData(nameof(WronglyTyped))]
    public async Task a_wrongly_typed_field_is_reported_under_its_name(string url, string json, string field)
    {
        var body = await PostJsonRejectedAsync(url, json);
        Assert.NotEmpty(body.Errors(field));
    }

    /// <summary>Posts the text as JSON and checks the 400 problem answer, whose body it returns.</summary>
    private async Task<JsonElement> PostJsonRejectedAsync(string url, string json)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Text(json).ToUrl(url);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });
        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        return body;
    }

    [Theory]
    [InlineData("/auth/register", "email=a@b.io")]
    [InlineData("/auth/login", "email=a@b.io&password=x")]
    public async Task a_body_that_is_not_json_is_unsupported(string url, string text)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Text(text).ToUrl(url);
            s.StatusCodeShouldBe(415);
        });

        result.ShouldBeProblem(await result.BodyAsync(), 415);
    }

    [Theory]
    [InlineData(RefreshScenarios.RefreshUrl)]
    [InlineData(RefreshScenarios.LogoutUrl)]
    public async Task a_refresh_token_sent_as_plain_text_is_unsupported_and_neither_rotates_nor_revokes(string url)
    {
        var (_, _, login) = await api.NewSessionAsync();

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Text(login.RefreshToken!).ToUrl(url);
            s.StatusCodeShouldBe(415);
        });

        result.ShouldBeProblem(await result.BodyAsync(), 415);
        Assert.Null(await api.TokenColumnAsync(login.RefreshToken!, "retired_at"));
        await api.FamilyShouldBeLiveAsync(RefreshScenarios.Sid(login.AccessToken));
    }
}
