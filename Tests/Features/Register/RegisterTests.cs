using System.Text;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Register;

public sealed class RegisterTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task registers_a_user_with_an_argon2id_hash()
    {
        var email = ApiFixture.UniqueEmail();
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email = $"  {email}  ", password = ApiFixture.StrongPassword }).ToUrl("/auth/register");
            s.StatusCodeShouldBe(201);
            s.Header("Location").SingleValueShouldEqual("/auth/me");
        });

        var body = await result.BodyAsync();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.True(DateTimeOffset.UtcNow - body.GetProperty("createdAt").GetDateTimeOffset() < TimeSpan.FromMinutes(1));
        var hash = await api.ScalarAsync<string>("select password from users where id = $1", id);
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", hash);
        Assert.DoesNotContain(ApiFixture.StrongPassword, hash);
    }

    [Fact]
    public async Task an_email_taken_in_another_case_is_a_conflict()
    {
        var email = ApiFixture.UniqueEmail("Case");
        await api.RegisterAsync(email);

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email = email.ToUpperInvariant(), password = ApiFixture.StrongPassword }).ToUrl("/auth/register");
            s.StatusCodeShouldBe(409);
        });

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 409);
        Assert.NotEmpty(body.Errors("email"));
        Assert.Equal(1L, await api.ScalarAsync<long>("select count(*) from users where lower(email) = lower($1)", email));
    }

    [Theory]
    [InlineData(null, "email")]
    [InlineData("", "email")]
    [InlineData("not-an-email", "email")]
    [InlineData("two@@example.com", "email")]
    [InlineData("a@b@example.com", "email")]
    [InlineData("nodot@example", "email")]
    [InlineData("white space@example.com", "email")]
    [InlineData("@example.com", "email")]
    public async Task an_invalid_email_is_rejected(string? email, string field)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = ApiFixture.StrongPassword }).ToUrl("/auth/register");
            s.StatusCodeShouldBe(400);
        });

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        Assert.NotEmpty(body.Errors(field));
    }

    [Fact]
    public async Task an_overlong_email_or_local_part_is_rejected()
    {
        foreach (var email in new[] { new string('a', 65) + "@example.com", "a@" + new string('b', 250) + ".io" })
        {
            var result = await api.Host.Scenario(s =>
            {
                s.Post.Json(new { email, password = ApiFixture.StrongPassword }).ToUrl("/auth/register");
                s.StatusCodeShouldBe(400);
            });
            Assert.NotEmpty((await result.BodyAsync()).Errors("email"));
        }
    }

    [Theory]
    [InlineData("short pass", "at least 12")]
    [InlineData("              ", "white space")]
    [InlineData("administrator", "common")]
    [InlineData("CheeseBurger", "common")]
    public async Task a_weak_password_is_rejected(string password, string message)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email = ApiFixture.UniqueEmail(), password }).ToUrl("/auth/register");
            s.StatusCodeShouldBe(400);
        });

        var errors = (await result.BodyAsync()).Errors("password");
        Assert.Contains(errors, e => e.Contains(message, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task password_length_counts_code_points_up_to_128()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 12)); // 12 code points, 24 UTF-16 units
        await api.RegisterAsync(ApiFixture.UniqueEmail(), emoji);

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email = ApiFixture.UniqueEmail(), password = new string('x', 120) + "yzyzyzyzy" }).ToUrl("/auth/register");
            s.StatusCodeShouldBe(400);
        });
        Assert.Contains((await result.BodyAsync()).Errors("password"), e => e.Contains("at most 128"));
    }

    [Fact]
    public async Task the_password_may_not_be_the_email()
    {
        var email = ApiFixture.UniqueEmail();
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = email.ToUpperInvariant() }).ToUrl("/auth/register");
            s.StatusCodeShouldBe(400);
        });
        Assert.Contains((await result.BodyAsync()).Errors("password"), e => e.Contains("email"));
    }




    [Fact]
    public async Task a_body_over_64_KiB_is_too_large()
    {
        var huge = new StringBuilder("{\"email\":\"a@b.io\",\"password\":\"").Append('x', 70_000).Append("\"}").ToString();
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Text(huge).ToUrl("/auth/register");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(413);
        });
        result.ShouldBeProblem(await result.BodyAsync(), 413);
    }

    [Fact]
    public async Task the_server_ignores_a_client_supplied_id_and_timestamps()
    {
        var forged = Guid.NewGuid();
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { id = forged, createdAt = "2000-01-01T00:00:00Z", email = ApiFixture.UniqueEmail(), password = ApiFixture.StrongPassword, extra = 1 })
                .ToUrl("/auth/register");
            s.StatusCodeShouldBe(201);
        });
        var body = await result.BodyAsync();
        Assert.NotEqual(forged, body.GetProperty("id").GetGuid());
        Assert.True(body.GetProperty("createdAt").GetDateTimeOffset().Year > 2000);
    }
}
