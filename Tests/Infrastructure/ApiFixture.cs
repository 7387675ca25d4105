using System.Text.Json;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SliceAuth.Tests.Infrastructure;

/// <summary>
/// The API in a test host on its own fresh, migrated database: built once per test class (or collection).
/// Cheap Argon2id parameters keep the many logins fast; rate limits are off unless a test turns them on.
/// Subclasses change settings by overriding <see cref="Settings"/>.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    public const string SigningKey = "dGVzdC1zaWduaW5nLWtleS10aGF0LWlzLWxvbmctZW5vdWdoLWZvci1oczI1Ng";
    public const string Issuer = "sliceauth-tests";
    public const string Audience = "sliceauth-tests-audience";
    public const string StrongPassword = "correct horse battery staple";

    public IAlbaHost Host { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public TestClock Clock { get; } = new();

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        await BeforeHostStartsAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = ConnectionString,
            ["Jwt:SigningKey"] = SigningKey,
            ["Jwt:Issuer"] = Issuer,
            ["Jwt:Audience"] = Audience,
            ["Passwords:Argon2MemoryKiB"] = "64",
            ["Passwords:Argon2Iterations"] = "1",
            ["RateLimits:Enabled"] = "false",
            // Tests that need the clean-up run it themselves.
            ["Cleanup:Enabled"] = "false",
        };
        foreach (var (key, value) in Settings)
            settings[key] = value;

        Host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
                builder.UseSetting(key, value);
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<TimeProvider>(Clock);
                ConfigureServices(services);
            });
        });
        if (!Host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.IsCancellationRequested)
            throw new InvalidOperationException($"The API did not start: {StartupErrors.Recent}");
    }

    /// <summary>A hook to add or replace services of the API.</summary>
    protected virtual void ConfigureServices(IServiceCollection services) { }

    /// <summary>A hook to prepare the database before the API migrates it (adoption tests).</summary>
    protected virtual Task BeforeHostStartsAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await DropDatabaseAsync();
    }

    protected virtual Task<string> CreateDatabaseAsync() => TestPostgres.CreateDatabaseAsync();

    protected virtual Task DropDatabaseAsync() => TestPostgres.DropDatabaseAsync(ConnectionString);

    public static string UniqueEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    /// <summary>Registers a user through the API and returns the created user's id.</summary>
    public async Task<Guid> RegisterAsync(string email, string password = StrongPassword)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { email, password }).ToUrl("/auth/register");
            s.StatusCodeShouldBe(201);
        });
        var body = await result.ReadAsJsonAsync<JsonElement>();
        return body.GetProperty("id").GetGuid();
    }

    /// <summary>Logs in through the API and returns the token response.</summary>
    public async Task<Tokens> LoginAsync(string email, string password = StrongPassword)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { email, password }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(200);
        });
        return (await result.ReadAsJsonAsync<Tokens>())!;
    }

    /// <summary>Registers a fresh user and logs in.</summary>
    public async Task<(string Email, Guid UserId, Tokens Tokens)> NewSessionAsync()
    {
        var email = UniqueEmail();
        var id = await RegisterAsync(email);
        return (email, id, await LoginAsync(email));
    }

    public Task<T?> ScalarAsync<T>(string sql, params object[] parameters) => Sql.ScalarAsync<T>(ConnectionString, sql, parameters);

    public Task<int> ExecuteAsync(string sql, params object[] parameters) => Sql.ExecuteAsync(ConnectionString, sql, parameters);
}

public sealed record Tokens(string TokenType, string AccessToken, int ExpiresIn, string? RefreshToken);
