using System.Text.Json;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Migrations;

/// <summary>The API pointed at the Go service's database: it adopts the tables and keeps its users and tokens working.</summary>
public sealed class GoDatabaseFixture : ApiFixture
{
    public const string BcryptEmail = "gopher@example.com";
    public const string BcryptPassword = "gophers never forget";
    public static readonly string LiveToken = Guid.NewGuid().ToString();
    public static readonly string ExpiredToken = Guid.NewGuid().ToString();
    public static readonly string RevokedToken = Guid.NewGuid().ToString();
    public Guid LiveTokenId { get; } = Guid.NewGuid();

    protected override async Task BeforeHostStartsAsync()
    {
        await ExecuteAsync(GoDatabase.Schema);
        await ExecuteAsync("insert into users (email, password) values ($1, $2)",
            BcryptEmail, BCrypt.Net.BCrypt.HashPassword(BcryptPassword, 12));
        const string insertToken = """
            insert into refresh_tokens (id, user_id, token, expires_at, revoked_at)
            select $1, id, $2, now() + $3::interval, case when $4 then now() - interval '1 hour' end from users
            """;
        await ExecuteAsync(insertToken, LiveTokenId, LiveToken, "7 days", false);
        await ExecuteAsync(insertToken, Guid.NewGuid(), ExpiredToken, "-1 day", false);
        await ExecuteAsync(insertToken, Guid.NewGuid(), RevokedToken, "7 days", true);
    }
}

public sealed class AdoptionTests(GoDatabaseFixture api) : IClassFixture<GoDatabaseFixture>
{
    [Fact]
    public async Task every_migration_is_recorded_and_the_tables_keep_their_names()
    {
        Assert.Equal(6L, await api.ScalarAsync<long>("""select count(*) from "VersionInfo" """));
        Assert.Equal(1L, await api.ScalarAsync<long>("select count(*) from users where email = $1", GoDatabaseFixture.BcryptEmail));
        Assert.Equal(3L, await api.ScalarAsync<long>("select count(*) from refresh_tokens"));
    }

    [Fact]
    public async Task no_raw_token_value_remains_in_any_column()
    {
        Assert.Equal(0L, await api.ScalarAsync<long>(
            "select count(*) from information_schema.columns where table_name = 'refresh_tokens' and column_name = 'token'"));
        foreach (var raw in new[] { GoDatabaseFixture.LiveToken, GoDatabaseFixture.ExpiredToken, GoDatabaseFixture.RevokedToken })
        {
            Assert.False(await api.ScalarAsync<bool>(
                "select exists (select 1 from refresh_tokens t join sessions s on s.id = t.session_id where strpos(row(t.*)::text || row(s.*)::text, $1) > 0)", raw));
            Assert.True(await api.ScalarAsync<bool>(
                "select exists (select 1 from refresh_tokens where token_hash = sha256(convert_to($1, 'UTF8')))", raw));
        }
    }

    [Fact]
    public async Task a_bcrypt_user_logs_in_unchanged_and_is_upgraded_to_argon2id()
    {
        await api.LoginAsync(GoDatabaseFixture.BcryptEmail, GoDatabaseFixture.BcryptPassword);

        var hash = await api.ScalarAsync<string>("select password from users where email = $1", GoDatabaseFixture.BcryptEmail);
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", hash);
        await api.LoginAsync(GoDatabaseFixture.BcryptEmail, GoDatabaseFixture.BcryptPassword);
    }

    [Fact]
    public async Task a_live_go_refresh_token_still_refreshes_and_rotates()
    {
        var result = await api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken = GoDatabaseFixture.LiveToken }).ToUrl("/auth/refresh");
            s.StatusCodeShouldBe(200);
        });
        var tokens = (await result.ReadAsJsonAsync<Tokens>())!;
        Assert.NotEqual(GoDatabaseFixture.LiveToken, tokens.RefreshToken);

        var payload = JsonDocument.Parse(Base64UrlDecode(tokens.AccessToken.Split('.')[1])).RootElement;
        Assert.Equal(api.LiveTokenId.ToString(), payload.GetProperty("sid").GetString());
        Assert.NotNull(await api.ScalarAsync<DateTime?>(
            "select retired_at from refresh_tokens where token_hash = sha256(convert_to($1, 'UTF8'))", GoDatabaseFixture.LiveToken));

        await api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken = tokens.RefreshToken }).ToUrl("/auth/refresh");
            s.StatusCodeShouldBe(200);
        });
    }

    [Theory]
    [InlineData(nameof(GoDatabaseFixture.ExpiredToken))]
    [InlineData(nameof(GoDatabaseFixture.RevokedToken))]
    public async Task expired_and_revoked_go_tokens_stay_dead(string which)
    {
        var token = which == nameof(GoDatabaseFixture.ExpiredToken) ? GoDatabaseFixture.ExpiredToken : GoDatabaseFixture.RevokedToken;
        await api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken = token }).ToUrl("/auth/refresh");
            s.StatusCodeShouldBe(401);
        });
    }

    private static byte[] Base64UrlDecode(string value) => System.Buffers.Text.Base64Url.DecodeFromChars(value);
}
