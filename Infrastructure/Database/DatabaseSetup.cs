using Npgsql;

namespace SliceAuth.Infrastructure.Database;

public static class DatabaseSetup
{
    public const string ConnectionStringName = "Postgres";

    /// <summary>
    /// Registers the data source and the migrations. With no connection string in Development, starts
    /// the private cluster under `.data/` and stops it with the application.
    /// </summary>
    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString) && builder.Environment.IsDevelopment())
        {
            var cluster = EmbeddedPostgres.Start(Path.Combine(builder.Environment.ContentRootPath, ".data", "postgres"));
            cluster.EnsureDatabase("sliceauth");
            connectionString = cluster.ConnectionString("sliceauth");
            builder.Services.AddSingleton(cluster);
            builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
        }
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new StartupFailure(
                "ConnectionStrings:Postgres is not set: set ConnectionStrings__Postgres to the PostgreSQL database to use.");

        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        // An unreachable database must turn into a quick 503, not a request that hangs for 15 s.
        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
            settings.Timeout = 3;
        // The API keeps no session state on a connection (no SET, no temporary tables, no prepared
        // statements), so the DISCARD ALL that Npgsql sends when a pooled connection is returned is work for nothing.
        if (!connectionString.Contains("Reset", StringComparison.OrdinalIgnoreCase))
            settings.NoResetOnClose = true;
        // Statements run often are prepared, which spares PostgreSQL planning each refresh again (about
        // half its work per refresh). Behind a pooler in transaction mode, set `Max Auto Prepare=0`.
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
            settings.MaxAutoPrepare = 20;
        builder.Services.AddNpgsqlDataSource(settings.ConnectionString);
        builder.Services.AddMigrations(settings.ConnectionString);
        return builder;
    }

    private sealed class EmbeddedPostgresLifetime(EmbeddedPostgres cluster, NpgsqlDataSource dataSource, ILogger<EmbeddedPostgresLifetime> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation("Using the development PostgreSQL cluster in {DataDirectory}", cluster.DataDirectory);
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            // Close the pooled connections first, so the server's shutdown does not break them mid-use.
            await dataSource.DisposeAsync();
            cluster.Stop();
        }
    }
}
