using System.Reflection;
using FluentMigrator.Runner;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SliceAuth.Infrastructure.Database;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Migrations;

/// <summary>
/// A start on a schema that already has every migration does not build FluentMigrator's runner; one
/// missing version, and it runs as always.
/// </summary>
public sealed class CurrentSchemaTests
{
    [Fact]
    public async Task the_runner_is_built_only_while_a_migration_of_this_build_is_missing()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        try
        {
            await using (var real = Services(connectionString, recorder: null))
                await real.MigrateDatabaseAsync();
            var applied = await Sql.ScalarAsync<long[]>(connectionString, """select array_agg("Version" order by "Version") from "VersionInfo" """);
            Assert.Equal(SliceAuth.Infrastructure.Database.Migrations.Versions, applied);
            Assert.Equal(6, applied!.Length);

            var runs = new List<string>();
            await using (var current = Services(connectionString, runs))
                await current.MigrateDatabaseAsync();
            Assert.Empty(runs);

            await Sql.ExecuteAsync(connectionString, """delete from "VersionInfo" where "Version" = $1""", applied[2]);
            await using (var behind = Services(connectionString, runs))
                await behind.MigrateDatabaseAsync();
            Assert.Equal([nameof(IMigrationRunner.MigrateUp)], runs);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    private static ServiceProvider Services(string connectionString, List<string>? recorder)
    {
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddNpgsqlDataSource(connectionString)
            .AddMigrations(connectionString);
        if (recorder is not null)
            services.AddScoped(_ => RecordingRunner.Create(recorder));
        return services.BuildServiceProvider();
    }

    /// <summary>An <see cref="IMigrationRunner"/> that only notes which of its members were called.</summary>
    public class RecordingRunner : DispatchProxy
    {
        private List<string> _calls = [];

        public static IMigrationRunner Create(List<string> calls)
        {
            var runner = DispatchProxy.Create<IMigrationRunner, RecordingRunner>();
            ((RecordingRunner)(object)runner)._calls = calls;
            return runner;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            _calls.Add(targetMethod!.Name);
            return null;
        }
    }
}
