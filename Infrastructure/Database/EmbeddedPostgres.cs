using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace SliceAuth.Infrastructure.Database;

/// <summary>
/// A private PostgreSQL cluster run from the machine's server binaries: for `dotnet run` with nothing
/// configured, and for the test suite. It listens on a unix socket inside its own folder only, so it
/// neither clashes with nor exposes itself to anything else on the machine.
/// </summary>
public sealed class EmbeddedPostgres : IDisposable
{
    private const string Superuser = "postgres";
    private const int Port = 5432;
    private readonly string _binDirectory;
    private readonly bool _runAsPostgresUser;
    private readonly bool _durable;
    private bool _stopped;

    private EmbeddedPostgres(string dataDirectory, string binDirectory, bool runAsPostgresUser, bool durable)
    {
        _durable = durable;
        DataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        _runAsPostgresUser = runAsPostgresUser;
    }

    public string DataDirectory { get; }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = DataDirectory,
        Port = Port,
        Username = Superuser,
        Database = database,
    }.ConnectionString;

    /// <summary>Starts the cluster in <paramref name="dataDirectory"/>, creating it first when it is new.</summary>
    /// <param name="durable">False for throwaway clusters (tests): fsync off.</param>
    public static EmbeddedPostgres Start(string dataDirectory, bool durable = true)
    {
        var binDirectory = FindBinDirectory() ?? throw new StartupFailure(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found: install them (apt-get install postgresql) " +
            "or set ConnectionStrings__Postgres to an existing database.");

        // initdb and postgres refuse to run as root: then the cluster belongs to the postgres user, in a
        // folder that user can reach.
        var asRoot = Environment.UserName == "root";
        dataDirectory = Path.GetFullPath(dataDirectory);
        // A unix socket path has at most 107 bytes, and the socket lives in the cluster folder.
        if (dataDirectory.Length > 90 || asRoot && !PostgresUserCanReach(Path.GetDirectoryName(dataDirectory)!))
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..12];
            dataDirectory = Path.Combine("/tmp", $"sliceauth-{hash}");
        }

        var cluster = new EmbeddedPostgres(dataDirectory, binDirectory, asRoot, durable);
        cluster.InitialiseIfNew();
        cluster.StartServer(durable);
        return cluster;
    }

    /// <summary>Creates the database when it does not exist yet.</summary>
    public void EnsureDatabase(string database)
    {
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection);
        exists.Parameters.AddWithValue(database);
        if (exists.ExecuteScalar() is not null)
            return;
        using var create = new NpgsqlCommand($"create database \"{database.Replace("\"", "\"\"")}\"", connection);
        create.ExecuteNonQuery();
    }

    public void Stop()
    {
        if (_stopped)
            return;
        _stopped = true;
        // Not running any more (stopped by hand, or by another API sharing the folder) is stopped too.
        Run(false, "pg_ctl", "-D", DataDirectory, "-m", "fast", "-w", "stop");
    }

    /// <summary>Starts a stopped cluster again, with the settings it started with.</summary>
    public void Restart()
    {
        StartServer(_durable);
        _stopped = false;
    }

    public void Dispose() => Stop();

    private void InitialiseIfNew()
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            return;
        Directory.CreateDirectory(DataDirectory);
        if (_runAsPostgresUser)
            RunProcess("chown", ["-R", $"{Superuser}:{Superuser}", DataDirectory]);
        Run("initdb", "-D", DataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync");
    }

    private void StartServer(bool durable)
    {
        // A cluster left running by an API that was killed is simply reused.
        if (Run(false, "pg_ctl", "-D", DataDirectory, "status").ExitCode == 0)
            return;
        var options = $"-c listen_addresses='' -c unix_socket_directories='{DataDirectory}' -c port={Port}" +
                      (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        Run("pg_ctl", "-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "30", "-o", options, "start");
    }

    private void Run(string tool, params string[] arguments) => Run(true, tool, arguments);

    private (int ExitCode, string Output) Run(bool throwOnFailure, string tool, params string[] arguments) =>
        _runAsPostgresUser
            ? RunProcess("runuser", ["-u", Superuser, "--", Tool(tool), .. arguments], throwOnFailure)
            : RunProcess(Tool(tool), arguments, throwOnFailure);

    private string Tool(string name) => Path.Combine(_binDirectory, name);

    private static (int ExitCode, string Output) RunProcess(string fileName, string[] arguments, bool throwOnFailure = true)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new StartupFailure($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var output = stdout.Result + stderr.Result;
        if (throwOnFailure && process.ExitCode != 0)
            throw new StartupFailure($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed: {output.Trim()}");
        return (process.ExitCode, output);
    }

    private static bool PostgresUserCanReach(string directory)
    {
        Directory.CreateDirectory(directory);
        return RunProcess("runuser", ["-u", Superuser, "--", "test", "-x", directory], throwOnFailure: false).ExitCode == 0;
    }

    private static string? FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrEmpty(configured) && File.Exists(Path.Combine(configured, "initdb")))
            return configured;
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Directory, "initdb")) && File.Exists(Path.Combine(d.Directory, "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Directory)
                .FirstOrDefault();
            if (newest is not null)
                return newest;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }
}

