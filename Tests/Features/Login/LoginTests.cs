using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;
using SliceAuth.Infrastructure.Passwords;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Login;

public sealed class LoginTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string ConfiguredArgon2Prefix = "$argon2id$v=19$m=64,t=1,p=1$";

    [Fact]
    public async Task login_returns_bearer_tokens_that_are_not_cached()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = ApiFixture.StrongPassword }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(200);
        });

        var body = await result.BodyAsync();
        Assert.StartsWith("application/json", result.Context.Response.ContentType);
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal(3, body.GetProperty("accessToken").GetString()!.Split('.').Length);
        Assert.Equal(900, body.GetProperty("expiresIn").GetInt32());
        var refreshToken = body.GetProperty("refreshToken").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]+$", refreshToken);
        Assert.True(Base64Url.DecodeFromChars(refreshToken).Length >= 32, "a refresh token carries at least 256 bits");
        Assert.Contains("no-store", result.Context.Response.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task login_trims_the_email_and_ignores_its_case()
    {
        var email = ApiFixture.UniqueEmail("Mixed");
        var userId = await api.RegisterAsync(email);

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email = $"  {email.ToUpperInvariant()}\t ", password = ApiFixture.StrongPassword }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(200);
        });

        Assert.False(string.IsNullOrEmpty((await result.BodyAsync()).GetProperty("accessToken").GetString()));
        Assert.Equal(1L, await api.ScalarAsync<long>("select count(*) from sessions where user_id = $1", userId));
    }

    [Fact]
    public async Task a_wrong_password_and_an_unknown_email_get_the_same_401()
    {
        var email = ApiFixture.UniqueEmail();
        var userId = await api.RegisterAsync(email);

        var wrongPassword = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = "not the right password at all" }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(401);
        });
        var unknownEmail = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email = ApiFixture.UniqueEmail("nobody"), password = "not the right password at all" }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(401);
        });

        var wrongBody = await wrongPassword.BodyAsync();
        var unknownBody = await unknownEmail.BodyAsync();
        wrongPassword.ShouldBeProblem(wrongBody, 401);
        unknownEmail.ShouldBeProblem(unknownBody, 401);
        Assert.Equal(WithoutTraceId(wrongBody.GetRawText()), WithoutTraceId(unknownBody.GetRawText()));
        Assert.Equal(0L, await api.ScalarAsync<long>("select count(*) from sessions where user_id = $1", userId));
        Assert.Equal(0L, await api.ScalarAsync<long>("select count(*) from refresh_tokens where user_id = $1", userId));
    }

    [Theory]
    [InlineData(null, ApiFixture.StrongPassword, "email")]
    [InlineData("", ApiFixture.StrongPassword, "email")]
    [InlineData("   ", ApiFixture.StrongPassword, "email")]
    [InlineData("someone@example.com", null, "password")]
    [InlineData("someone@example.com", "", "password")]
    public async Task a_missing_or_empty_field_is_a_validation_error_not_a_401(string? email, string? password, string field)
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(400);
        });

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        Assert.NotEmpty(body.Errors(field));
    }

    [Fact]
    public async Task an_empty_json_object_reports_both_fields()
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Text("{}").ToUrl("/auth/login");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });

        var body = await result.BodyAsync();
        result.ShouldBeProblem(body, 400);
        Assert.NotEmpty(body.Errors("email"));
        Assert.NotEmpty(body.Errors("password"));
    }





    [Fact]
    public async Task a_user_whose_stored_hash_is_unreadable_gets_the_ordinary_401()
    {
        var email = ApiFixture.UniqueEmail("odd");
        var userId = await api.ScalarAsync<Guid>("insert into users (email, password) values ($1, $2) returning id", email, "not-a-hash");

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = ApiFixture.StrongPassword }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(401);
        });

        result.ShouldBeProblem(await result.BodyAsync(), 401);
        Assert.Equal("not-a-hash", await api.ScalarAsync<string>("select password from users where id = $1", userId));
    }

    [Fact]
    public async Task login_opens_a_session_holding_the_user_agent_cut_to_256_characters()
    {
        var email = ApiFixture.UniqueEmail();
        var userId = await api.RegisterAsync(email);
        var userAgent = string.Concat(Enumerable.Range(0, 300).Select(i => (char)('a' + i % 26)));

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = ApiFixture.StrongPassword }).ToUrl("/auth/login");
            s.WithRequestHeader("User-Agent", userAgent);
            s.StatusCodeShouldBe(200);
        });
        var body = await result.BodyAsync();
        var refreshToken = body.GetProperty("refreshToken").GetString()!;

        var session = await RowAsync(
            "select id, user_id, created_at, user_agent, revoked_at from sessions where user_id = $1", userId);
        Assert.Equal(userAgent[..256], session["user_agent"]);
        Assert.Null(session["revoked_at"]);
        var createdAt = (DateTime)session["created_at"]!;
        Assert.True((DateTime.UtcNow - createdAt).Duration() < TimeSpan.FromMinutes(1));

        var token = await RowAsync(
            "select id, user_id, session_id, token_hash, created_at, expires_at, retired_at, revoked_at from refresh_tokens where user_id = $1", userId);
        Assert.Equal(session["id"], token["session_id"]);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)), (byte[])token["token_hash"]!);
        Assert.Equal(createdAt, token["created_at"]);
        Assert.True((createdAt + TimeSpan.FromDays(14) - (DateTime)token["expires_at"]!).Duration() < TimeSpan.FromSeconds(5));
        Assert.Null(token["retired_at"]);
        Assert.Null(token["revoked_at"]);
    }

    [Fact]
    public async Task a_login_without_a_user_agent_stores_none()
    {
        var email = ApiFixture.UniqueEmail();
        var userId = await api.RegisterAsync(email);

        await api.LoginAsync(email);

        var session = await RowAsync("select user_agent from sessions where user_id = $1", userId);
        Assert.Null(session["user_agent"]);
    }

    [Fact]
    public async Task the_raw_refresh_token_is_stored_in_no_column()
    {
        var email = ApiFixture.UniqueEmail();
        var userId = await api.RegisterAsync(email);
        var refreshToken = (await api.LoginAsync(email)).RefreshToken!;
        Assert.Equal(1L, await api.ScalarAsync<long>(
            "select count(*) from refresh_tokens where user_id = $1 and token_hash = $2", userId, SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken))));

        var columns = new List<(string Table, string Column, string Type)>();
        await using (var connection = new NpgsqlConnection(api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                select table_name, column_name, data_type from information_schema.columns
                where table_schema = current_schema() and table_name in ('refresh_tokens', 'sessions')
                  and data_type in ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb')
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        Assert.Contains(columns, c => c is ("refresh_tokens", "token_hash", "bytea"));
        Assert.Contains(columns, c => c is ("sessions", "user_agent", "text"));

        foreach (var (table, column, type) in columns)
        {
            var found = type == "bytea"
                ? await api.ScalarAsync<long>(
                    $"select count(*) from \"{table}\" where position($1::bytea in \"{column}\") > 0 or position($2::bytea in \"{column}\") > 0",
                    Encoding.UTF8.GetBytes(refreshToken), Base64Url.DecodeFromChars(refreshToken))
                : await api.ScalarAsync<long>($"select count(*) from \"{table}\" where strpos(\"{column}\"::text, $1) > 0", refreshToken);
            Assert.True(found == 0, $"{table}.{column} holds the raw refresh token");
        }
    }

    [Theory]
    [InlineData("$2a$")]
    [InlineData("$2b$")]
    [InlineData("$2y$")]
    public async Task a_bcrypt_user_logs_in_and_is_upgraded_to_argon2id(string prefix)
    {
        var email = ApiFixture.UniqueEmail("bcrypt");
        var bcrypt = BCrypt.Net.BCrypt.HashPassword(ApiFixture.StrongPassword, 4);
        Assert.StartsWith("$2", bcrypt);
        var stored = prefix + bcrypt[4..];
        var userId = await api.ScalarAsync<Guid>("insert into users (email, password) values ($1, $2) returning id", email, stored);

        var tokens = await api.LoginAsync(email);

        Assert.Equal("Bearer", tokens.TokenType);
        var upgraded = await api.ScalarAsync<string>("select password from users where id = $1", userId);
        Assert.StartsWith(ConfiguredArgon2Prefix, upgraded);
        await api.LoginAsync(email);
        Assert.Equal(upgraded, await api.ScalarAsync<string>("select password from users where id = $1", userId));
    }

    [Fact]
    public async Task a_wrong_password_leaves_a_bcrypt_hash_as_it_is()
    {
        var email = ApiFixture.UniqueEmail("bcrypt");
        var stored = BCrypt.Net.BCrypt.HashPassword(ApiFixture.StrongPassword, 4);
        var userId = await api.ScalarAsync<Guid>("insert into users (email, password) values ($1, $2) returning id", email, stored);

        await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = "not the right password at all" }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(401);
        });

        Assert.Equal(stored, await api.ScalarAsync<string>("select password from users where id = $1", userId));
    }

    [Fact]
    public async Task a_hash_at_the_configured_parameters_is_left_unchanged()
    {
        var email = ApiFixture.UniqueEmail();
        var userId = await api.RegisterAsync(email);
        var before = await api.ScalarAsync<string>("select password from users where id = $1", userId);
        Assert.StartsWith(ConfiguredArgon2Prefix, before);

        await api.LoginAsync(email);

        Assert.Equal(before, await api.ScalarAsync<string>("select password from users where id = $1", userId));
    }

    [Fact]
    public async Task cookie_mode_puts_the_refresh_token_in_a_strict_http_only_cookie_and_not_in_the_body()
    {
        var email = ApiFixture.UniqueEmail();
        var userId = await api.RegisterAsync(email);

        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = ApiFixture.StrongPassword }).ToUrl("/auth/login").QueryString("useCookie", "true");
            s.StatusCodeShouldBe(200);
        });

        var body = await result.BodyAsync();
        Assert.False(body.TryGetProperty("refreshToken", out _), "cookie mode leaves refreshToken out of the body");
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.Equal(900, body.GetProperty("expiresIn").GetInt32());

        var cookie = Assert.Single(result.Context.Response.Headers.SetCookie, c => c!.StartsWith("refresh_token=", StringComparison.Ordinal))!;
        var parts = cookie.Split(';', StringSplitOptions.TrimEntries);
        var value = parts[0]["refresh_token=".Length..];
        var attributes = parts[1..].Select(p => p.ToLowerInvariant()).ToArray();
        Assert.Contains("max-age=1209600", attributes);
        Assert.Contains("path=/auth", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("httponly", attributes);
        Assert.True(Base64Url.DecodeFromChars(value).Length >= 32);
        Assert.Equal(1L, await api.ScalarAsync<long>(
            "select count(*) from refresh_tokens where user_id = $1 and token_hash = $2", userId, SHA256.HashData(Encoding.UTF8.GetBytes(value))));
    }

    private static string WithoutTraceId(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString();
    }

    private async Task<Dictionary<string, object?>> RowAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "expected one row, found none");
        var row = Enumerable.Range(0, reader.FieldCount)
            .ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
        Assert.False(await reader.ReadAsync(), "expected one row, found more");
        return row;
    }
}

/// <summary>The API configured with more Argon2id memory than the hashes of the main fixture use.</summary>
public sealed class StrongerArgon2Fixture : ApiFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passwords:Argon2MemoryKiB"] = "128",
    };
}

public sealed class LoginWithStrongerArgon2Tests(StrongerArgon2Fixture api) : IClassFixture<StrongerArgon2Fixture>
{
    private const string ConfiguredArgon2Prefix = "$argon2id$v=19$m=128,t=1,p=1$";

    [Fact]
    public async Task an_argon2id_hash_weaker_than_configured_is_upgraded_at_login()
    {
        var email = ApiFixture.UniqueEmail("weak");
        var weaker = new PasswordHasher(Options.Create(new PasswordOptions { Argon2MemoryKiB = 64, Argon2Iterations = 1 }))
            .Hash(ApiFixture.StrongPassword);
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", weaker);
        var userId = await api.ScalarAsync<Guid>("insert into users (email, password) values ($1, $2) returning id", email, weaker);

        await api.LoginAsync(email);

        var upgraded = await api.ScalarAsync<string>("select password from users where id = $1", userId);
        Assert.StartsWith(ConfiguredArgon2Prefix, upgraded);
        await api.LoginAsync(email);
        Assert.Equal(upgraded, await api.ScalarAsync<string>("select password from users where id = $1", userId));
    }

    [Fact]
    public async Task a_hash_at_the_configured_parameters_is_left_unchanged()
    {
        var email = ApiFixture.UniqueEmail();
        var userId = await api.RegisterAsync(email);
        var before = await api.ScalarAsync<string>("select password from users where id = $1", userId);
        Assert.StartsWith(ConfiguredArgon2Prefix, before);

        await api.LoginAsync(email);

        Assert.Equal(before, await api.ScalarAsync<string>("select password from users where id = $1", userId));
    }
}
