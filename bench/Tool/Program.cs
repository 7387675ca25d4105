using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Security.Cryptography;
using System.Text;
using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.Options;
using Npgsql;
using SliceAuth.Bench;
using SliceAuth.Infrastructure.Database;
using SliceAuth.Infrastructure.Passwords;

// The bench harness's helper; bench/run.sh drives it. Each command prints what the script reads.
return args switch
{
    ["pg-start", var directory] => StartCluster(directory),
    ["pg-stop", var directory] => StopCluster(directory),
    ["hashrate", var op, var threads, var seconds] => HashRate(op, int.Parse(threads, CultureInfo.InvariantCulture),
        double.Parse(seconds, CultureInfo.InvariantCulture)),
    ["phc", var password] => PrintHash(password),
    ["hashalloc"] => HashAllocations(),
    ["report", var runDirectory, var output] => Report.Write(runDirectory, output),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: BenchTool pg-start DIR          start a fresh durable cluster (pg_stat_statements loaded); prints data dir and connection string
               BenchTool pg-stop DIR           stop it
               BenchTool hashrate hash|verify THREADS SECONDS   raw Argon2id rate (m=19456, t=2, p=1) on THREADS threads, as JSON
               BenchTool phc PASSWORD          one Argon2id PHC string made by the API's own PasswordHasher
               BenchTool hashalloc             managed bytes allocated by one PasswordHasher.Hash and one Verify, as JSON
               BenchTool report RUN_DIR OUT    the table on stdout, every figure in OUT (JSON)
        """);
    return 2;
}

// The app's own launcher: initdb (as the postgres user when root) in a folder outside /root, unix socket
// in the cluster folder, no TCP listener, fsync left on (durable). pg_stat_statements must be loaded at
// server start, so the cluster is restarted once after ALTER SYSTEM.
static int StartCluster(string directory)
{
    var cluster = EmbeddedPostgres.Start(directory, durable: true);
    using (var connection = new NpgsqlConnection(cluster.ConnectionString("postgres")))
    {
        connection.Open();
        using var alter = new NpgsqlCommand("alter system set shared_preload_libraries = 'pg_stat_statements'", connection);
        alter.ExecuteNonQuery();
    }
    NpgsqlConnection.ClearAllPools();
    cluster.Stop();
    cluster.Restart();
    cluster.EnsureDatabase("sliceauth");
    using (var connection = new NpgsqlConnection(cluster.ConnectionString("sliceauth")))
    {
        connection.Open();
        // Planning time too (known once the library is loaded; a reload applies it), so a statement's
        // cost shows as planning plus execution.
        foreach (var statement in new[]
                 {
                     "create extension if not exists pg_stat_statements",
                     "alter system set pg_stat_statements.track_planning = on",
                     "select pg_reload_conf()",
                 })
        {
            using var command = new NpgsqlCommand(statement, connection);
            command.ExecuteNonQuery();
        }
        using var fsync = new NpgsqlCommand("select current_setting('fsync') || ' ' || current_setting('synchronous_commit') || ' ' || current_setting('shared_preload_libraries')", connection);
        Console.Error.WriteLine($"cluster {cluster.DataDirectory}: fsync, synchronous_commit, preload = {fsync.ExecuteScalar()}");
    }
    NpgsqlConnection.ClearAllPools();
    Console.WriteLine(cluster.DataDirectory);
    Console.WriteLine(cluster.ConnectionString("sliceauth"));
    return 0;
}

static int StopCluster(string directory)
{
    // Start() reuses a running cluster; Stop() is pg_ctl stop -m fast.
    EmbeddedPostgres.Start(directory, durable: true).Stop();
    return 0;
}

// The raw rate of Argon2id at the API's parameters and concurrency, with no API around it: Isopoh's
// Argon2 at its fastest, one instance per thread reused for every hash (the block memory allocated once,
// as the API's Argon2idInstances does). Verify decodes the stored PHC string, hashes and compares.
static int HashRate(string op, int threads, double seconds)
{
    const string password = "bench-password-for-argon2id";
    // The API's default Argon2id parameters.
    static Argon2Config Config() => new()
    {
        Type = Argon2Type.HybridAddressing,
        Version = Argon2Version.Nineteen,
        MemoryCost = 19456,
        TimeCost = 2,
        Lanes = 1,
        Threads = 1,
        HashLength = 32,
    };
    var seed = Config();
    seed.Password = Encoding.UTF8.GetBytes(password);
    seed.Salt = RandomNumberGenerator.GetBytes(16);
    var stored = Argon2.Hash(seed);
    Action Operation()
    {
        var config = Config();
        var argon2 = new Argon2(config);
        void Hash()
        {
            config.Password = Encoding.UTF8.GetBytes(password);
            config.Salt = RandomNumberGenerator.GetBytes(16);
            using var hash = argon2.Hash();
            _ = config.EncodeString(hash.Buffer);
        }
        void Verify()
        {
            var decoded = new Argon2Config();
            if (!decoded.DecodeString(stored, out var expected) || expected is null)
                throw new InvalidOperationException("decode failed");
            using (expected)
            {
                config.Password = Encoding.UTF8.GetBytes(password);
                config.Salt = decoded.Salt;
                using var hash = argon2.Hash();
                if (!CryptographicOperations.FixedTimeEquals(hash.Buffer, expected.Buffer))
                    throw new InvalidOperationException("verify failed");
            }
        }
        return op switch
        {
            "hash" => Hash,
            "verify" => Verify,
            _ => throw new ArgumentException($"unknown op {op}: hash or verify"),
        };
    }

    var counts = new long[threads];
    var elapsed = new double[threads];
    int collectionsAtStart = 0;
    var pausedAtStart = TimeSpan.Zero;
    using var start = new Barrier(threads);
    var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
    {
        var operation = Operation();
        operation(); // warm-up: JIT and the first large allocations
        start.SignalAndWait();
        if (i == 0)
            (collectionsAtStart, pausedAtStart) = (GC.CollectionCount(0), GC.GetTotalPauseDuration());
        var clock = Stopwatch.StartNew();
        long n = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            operation();
            n++;
        }
        counts[i] = n;
        elapsed[i] = clock.Elapsed.TotalSeconds;
    })).ToList();
    workers.ForEach(w => w.Start());
    workers.ForEach(w => w.Join());
    var rate = counts.Zip(elapsed, (n, s) => n / s).Sum();
    // The collections Isopoh's per-block garbage causes, and the share of the run the GC held the threads.
    var collections = GC.CollectionCount(0) - collectionsAtStart;
    var pausedShare = (GC.GetTotalPauseDuration() - pausedAtStart).TotalSeconds / elapsed.Max();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $$"""{"op":"{{op}}","threads":{{threads}},"seconds":{{elapsed.Max():F2}},"ops":{{counts.Sum()}},"rate":{{rate:F2}},"ms_per_op":{{1000.0 * threads / rate:F1}},"gc":"{{(GCSettings.IsServerGC ? "server" : "workstation")}}","gc_per_s":{{collections / elapsed.Max():F0}},"gc_paused_share":{{pausedShare:F3}}}"""));
    return 0;
}

// The seeded users share one real hash, made by the API's own hasher at its default parameters.
static int PrintHash(string password)
{
    Console.WriteLine(new PasswordHasher(Options.Create(new PasswordOptions())).Hash(password));
    return 0;
}

// Managed allocations of the API's hasher, per call (the median of 5 after a warm-up): what each login
// and register hands the GC.
static int HashAllocations()
{
    const string password = "bench-password-for-argon2id";
    var hasher = new PasswordHasher(Options.Create(new PasswordOptions()));
    var stored = hasher.Hash(password);
    hasher.Verify(password, stored);
    static (double Mb, double Ms) Measure(Action action)
    {
        var runs = Enumerable.Range(0, 5).Select(_ =>
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            action();
            return (Mb: (GC.GetTotalAllocatedBytes(precise: true) - before) / 1048576.0, Ms: clock.Elapsed.TotalMilliseconds);
        }).ToList();
        return (runs.Select(r => r.Mb).Order().ElementAt(2), runs.Select(r => r.Ms).Order().ElementAt(2));
    }
    var hash = Measure(() => hasher.Hash(password));
    var verify = Measure(() => hasher.Verify(password, stored));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $$"""{"hash_allocated_mb":{{hash.Mb:F1}},"hash_ms":{{hash.Ms:F1}},"verify_allocated_mb":{{verify.Mb:F1}},"verify_ms":{{verify.Ms:F1}}}"""));
    return 0;
}
