using Dapper;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using SliceAuth.Infrastructure.Http;

namespace SliceAuth.Infrastructure.Database;

/// <summary>
/// `/health/live` answers while the process runs; `/health/ready` also needs the database reachable
/// and every migration applied.
/// </summary>
public static class DatabaseHealth
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    private const string ReadyTag = "ready";

    private static readonly long LatestMigration = Migrations.Versions[^1];

    public static IServiceCollection AddDatabaseHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<MigratedDatabaseCheck>("database", tags: [ReadyTag]);
        return services;
    }

    public static WebApplication MapDatabaseHealth(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        if (report.Status == HealthStatus.Healthy)
            return context.Response.WriteAsJsonAsync(new HealthBody(report.Status.ToString()), ApiJson.Default.HealthBody);
        context.Response.Headers.RetryAfter = Problems.DatabaseRetryAfterSeconds.ToString();
        return Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
            report.Entries.Values.FirstOrDefault(e => e.Status != HealthStatus.Healthy).Description);
    }

    private sealed class MigratedDatabaseCheck(NpgsqlDataSource database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(cancellationToken);
                var applied = await connection.ExecuteScalarAsync<long?>("""select max("Version") from "VersionInfo" """);
                return applied >= LatestMigration
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy("The database schema is behind: migrations are pending.");
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("The database is unreachable.");
            }
        }
    }
}
