using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Dapper;
using FluentMigrator;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Initialization;
using Npgsql;

namespace SliceAuth.Infrastructure.Database;

public static class Migrations
{
    public static IServiceCollection AddMigrations(this IServiceCollection services, string connectionString) =>
        services
            .AddFluentMigratorCore()
            .ConfigureRunner(runner => runner
                .AddPostgres()
                .WithGlobalConnectionString(connectionString)
                .ScanIn(typeof(Migrations).Assembly).For.Migrations())
            // One transaction for the whole run: a migration that fails leaves the database as it found it.
            .Configure<RunnerOptions>(options => options.TransactionPerSession = true);

    /// <summary>The version of every migration in this build, in order.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = NativeBuild.OwnTypesKept)]
    public static readonly long[] Versions = typeof(Migrations).Assembly.GetTypes()
        .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Version ?? 0)
        .Where(v => v > 0)
        .Order()
        .ToArray();

    /// <summary>
    /// Applies every pending migration, after checking that the data can take them. When the version
    /// table already lists every migration of this build, FluentMigrator's runner is not built at all:
    /// a start on a current schema costs two queries instead of the runner's assembly scan and set-up.
    /// </summary>
    // FluentMigrator finds Npgsql's provider factory by its type name and reads its static Instance field:
    // this keeps both in the native build, which would otherwise trim them as unreferenced.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicFields, typeof(NpgsqlFactory))]
    public static async Task MigrateDatabaseAsync(this IServiceProvider services)
    {
        try
        {
            await using var connection = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
            await RefuseCaseDuplicateEmailsAsync(connection);
            if (await AllAppliedAsync(connection))
                return;
        }
        catch (NpgsqlException e)
        {
            throw new StartupFailure($"ConnectionStrings:Postgres: the database cannot be reached to migrate it: {e.Message}");
        }

        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<IMigrationRunner>().MigrateUp();
    }

    private static async Task<bool> AllAppliedAsync(NpgsqlConnection connection)
    {
        if (!await connection.ExecuteScalarAsync<bool>("""select to_regclass('public."VersionInfo"') is not null"""))
            return false;
        var applied = (await connection.QueryAsync<long>("""select "Version" from "VersionInfo" """)).ToHashSet();
        return Versions.All(applied.Contains);
    }

    // The Go service's case-sensitive UNIQUE allowed `A@x.io` beside `a@x.io`; SliceAuth holds them to be
    // one account and cannot choose which one survives, so the operator decides (README, "Adoption").
    // Once the case-insensitive index exists it rules them out, so the scan runs only until then.
    private static async Task RefuseCaseDuplicateEmailsAsync(NpgsqlConnection connection)
    {
        if (!await connection.ExecuteScalarAsync<bool>(
                "select to_regclass('public.users') is not null and to_regclass('public.users_email_lower_key') is null"))
            return;
        var duplicates = (await connection.QueryAsync<string>("""
            select string_agg(email, ', ' order by email)
            from users
            group by lower(email)
            having count(*) > 1
            order by 1
            """)).ToList();
        if (duplicates.Count > 0)
            throw new StartupFailure(
                "Migration stopped, nothing was changed: these users' emails differ only in case, and SliceAuth " +
                "treats each group as one account. Merge or rename them (README, \"Adopting the Go service's " +
                $"database\"), then start again: {string.Join("; ", duplicates.Select(d => $"[{d}]"))}");
    }
}

