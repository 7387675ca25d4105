using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SliceAuth.Infrastructure;
using SliceAuth.Infrastructure.Database;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Migrations;

public sealed class CaseDuplicateEmailTests
{
    [Fact]
    public async Task emails_differing_only_in_case_stop_the_migration_without_changing_anything()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        try
        {
            await Sql.ExecuteAsync(connectionString, GoDatabase.Schema);
            await Sql.ExecuteAsync(connectionString, """
                insert into users (email, password) values
                  ('Ada@Example.com', 'x'), ('ada@example.com', 'y'), ('bob@example.com', 'z'), ('BOB@example.com', 'w'), ('eve@example.com', 'v')
                """);
            await using var services = new ServiceCollection()
                .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
                .AddNpgsqlDataSource(connectionString)
                .AddMigrations(connectionString)
                .BuildServiceProvider();

            var failure = await Assert.ThrowsAsync<StartupFailure>(() => services.MigrateDatabaseAsync());

            Assert.Contains("[Ada@Example.com, ada@example.com]", failure.Message);
            Assert.Contains("[BOB@example.com, bob@example.com]", failure.Message);
            Assert.DoesNotContain("eve@example.com", failure.Message);
            Assert.False(await Sql.ScalarAsync<bool>(connectionString, """select to_regclass('public."VersionInfo"') is not null"""));
            Assert.False(await Sql.ScalarAsync<bool>(connectionString, "select to_regclass('public.sessions') is not null"));
            Assert.Equal(5L, await Sql.ScalarAsync<long>(connectionString, "select count(*) from users"));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }
}
