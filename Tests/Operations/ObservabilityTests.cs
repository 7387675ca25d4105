using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Operations;

/// <summary>Every log line the API writes, kept for inspection.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> values
                ? string.Join(" ", values.Select(v => $"{v.Key}={v.Value}"))
                : "";
            sink.Lines.Enqueue($"{category} {formatter(state, exception)} {structured} {exception}");
        }
    }
}

public sealed class LoggedApi : ApiFixture
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
}

public sealed class ObservabilityTests(LoggedApi api) : IClassFixture<LoggedApi>
{
    [Fact]
    public async Task logs_never_hold_a_password_a_token_or_a_hash()
    {
        var (email, userId, tokens) = await api.NewSessionAsync();
        await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = "a wrong password for the log" }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(401);
        });
        var refreshed = (await (await api.Host.Scenario(s => s.Post.Json(new { refreshToken = tokens.RefreshToken }).ToUrl("/auth/refresh")))
            .ReadAsJsonAsync<Tokens>())!;
        api.Clock.Advance(TimeSpan.FromSeconds(30));
        await api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken = tokens.RefreshToken }).ToUrl("/auth/refresh");
            s.StatusCodeShouldBe(401);
        });
        var passwordHash = await api.ScalarAsync<string>("select password from users where id = $1", userId);

        var log = string.Join("\n", api.Logs.Lines);
        Assert.Contains("Login failed", log);
        Assert.Contains("reuse detected", log);
        foreach (var secret in new[]
                 {
                     ApiFixture.StrongPassword, "a wrong password for the log", tokens.RefreshToken!, refreshed.RefreshToken!,
                     tokens.AccessToken, refreshed.AccessToken, passwordHash!, ApiFixture.SigningKey,
                 })
            Assert.DoesNotContain(secret, log);
    }

    [Fact]
    public async Task a_rejected_token_is_logged_under_the_librarys_category_which_the_settings_keep_at_warning()
    {
        var (_, _, tokens) = await api.NewSessionAsync();
        var forged = tokens.AccessToken[..^4] + (tokens.AccessToken.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/me");
            s.WithRequestHeader("Authorization", $"Bearer {forged}");
            s.StatusCodeShouldBe(401);
        });

        // "Failed to validate the token" is Information, with the exception's stack trace: under
        // `Microsoft.AspNetCore` (Warning in appsettings.json) it is not written; under the API's own
        // namespace (Information) it would be, on every bad token.
        Assert.DoesNotContain(api.Logs.Lines, line => line.Contains("Failed to validate the token", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Logs.Lines, line => line.StartsWith("SliceAuth.Infrastructure.Tokens", StringComparison.Ordinal));
    }

    [Fact]
    public async Task an_errors_trace_id_is_a_w3c_id_that_continues_the_callers_trace()
    {
        const string callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        var traced = await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/me");
            s.WithRequestHeader("traceparent", $"00-{callerTrace}-00f067aa0ba902b7-01");
            s.StatusCodeShouldBe(401);
        });
        var untraced = await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/me");
            s.StatusCodeShouldBe(401);
        });

        var w3c = new System.Text.RegularExpressions.Regex("^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$");
        var continued = w3c.Match(TraceIdOf(await traced.ReadAsTextAsync()));
        var fresh = w3c.Match(TraceIdOf(await untraced.ReadAsTextAsync()));
        Assert.True(continued.Success);
        Assert.Equal(callerTrace, continued.Groups[1].Value);
        Assert.NotEqual("00f067aa0ba902b7", continued.Groups[2].Value);
        Assert.EndsWith("-01", continued.Value, StringComparison.Ordinal);
        Assert.True(fresh.Success);
        Assert.NotEqual(callerTrace, fresh.Groups[1].Value);
    }

    private static string TraceIdOf(string problem) =>
        System.Text.Json.JsonDocument.Parse(problem).RootElement.GetProperty("traceId").GetString()!;

    [Fact]
    public void the_hosting_diagnostics_category_is_off_so_requests_start_no_activity_or_log_scope()
    {
        // ASP.NET Core starts an Activity and a log scope for every request while this category logs at
        // any level; nothing here reads them (no tracing, no scopes in the console output).
        var logger = api.Host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");

        Assert.False(logger.IsEnabled(LogLevel.Critical));
    }

    [Fact]
    public async Task metrics_count_logins_refreshes_and_revocations_by_outcome()
    {
        var (email, _, tokens) = await api.NewSessionAsync();
        await api.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = "not the password at all" }).ToUrl("/auth/login");
            s.StatusCodeShouldBe(401);
        });
        await api.Host.Scenario(s => s.Post.Json(new { refreshToken = tokens.RefreshToken }).ToUrl("/auth/refresh"));
        await api.Host.Scenario(s =>
        {
            s.Post.Json(new { refreshToken = "no such token" }).ToUrl("/auth/refresh");
            s.StatusCodeShouldBe(401);
        });

        var result = await api.Host.Scenario(s => s.Get.Url("/metrics"));
        var metrics = await result.ReadAsTextAsync();

        Assert.Matches(@"sliceauth_registrations_total\{[^}]*\} [1-9]", metrics);
        Assert.Matches(@"sliceauth_logins_total\{[^}]*outcome=""success""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"sliceauth_logins_total\{[^}]*outcome=""failure""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"sliceauth_refreshes_total\{[^}]*outcome=""rotated""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"sliceauth_refreshes_total\{[^}]*outcome=""unknown""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"sliceauth_password_hash_duration_seconds_count\{[^}]*operation=""verify""[^}]*\} [1-9]", metrics);
        // Its buckets are in seconds around a hash's cost, not the SDK's defaults (0, 5, 10, 25 ...).
        Assert.Matches(@"sliceauth_password_hash_duration_seconds_bucket\{[^}]*le=""0.15""[^}]*\} \d", metrics);
        Assert.DoesNotContain(@"sliceauth_password_hash_duration_seconds_bucket{otel_scope_name=""SliceAuth"",algorithm=""argon2id"",operation=""verify"",le=""25""}", metrics);
        // Exported (its value is the whole process's: other tests' hosts may be hashing at this moment;
        // PasswordHasherTests checks the count itself).
        Assert.Matches(@"sliceauth_password_hashes_active\{[^}]*\} \d+", metrics);
        Assert.Contains("http_server_request_duration_seconds", metrics);
        // The request-duration view still applies: boundaries in seconds (the SDK's defaults are 5, 10, 25 ...).
        Assert.Matches(@"http_server_request_duration_seconds_bucket\{[^}]*le=""0.075""[^}]*\} \d", metrics);
        Assert.Contains("dotnet_gc_collections_total", metrics);
        Assert.DoesNotContain("http_server_active_requests", metrics);
    }

    [Fact]
    public async Task data_access_goes_through_the_generated_interceptors_not_dapper_reflection()
    {
        var (_, _, tokens) = await api.NewSessionAsync();
        await api.Host.Scenario(s => s.Post.Json(new { refreshToken = tokens.RefreshToken }).ToUrl("/auth/refresh"));
        await api.Host.Scenario(s =>
        {
            s.Get.Url("/auth/sessions");
            s.WithRequestHeader("Authorization", $"Bearer {tokens.AccessToken}");
        });

        // Dapper's reflection path caches every SQL it runs; Dapper.AOT's interceptors bypass it.
        Assert.Equal(0, Dapper.SqlMapper.GetCachedSQLCount());
    }
}
