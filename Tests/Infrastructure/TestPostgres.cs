using Npgsql;
using SliceAuth.Infrastructure.Database;

namespace SliceAuth.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL server for the whole test run, and a fresh database in it for each host. The
/// server is the API's own embedded cluster (a throwaway one, fsync off) unless
/// SLICEAUTH_TEST_POSTGRES names an existing server to create the databases in.
/// </summary>
public static class TestPostgres
{
    public const string ServerVariable = "SLICEAUTH_TEST_POSTGRES";

    private static readonly Lazy<string> Server = new(StartServer, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = $"sliceauth_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(Server.Value))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        // The API's 3 s connect timeout (added when the string names none) is for production; on a test
        // machine busy with parallel test classes, opening the first connection to a new database can
        // take longer, and the API would refuse to start.
        return new NpgsqlConnectionStringBuilder(Server.Value) { Database = name, Pooling = true, Timeout = 30 }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server.Value);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {name} with (force)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static string StartServer()
    {
        var configured = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(configured))
            return configured;

        var directory = Path.Combine(Path.GetTempPath(), $"sliceauth-tests-{Environment.ProcessId}");
        var cluster = EmbeddedPostgres.Start(directory, durable: false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            cluster.Stop();
            try { Directory.Delete(cluster.DataDirectory, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        };
        return cluster.ConnectionString("postgres");
    }
}
