using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SliceAuth.Bench;

/// <summary>
/// Reads the raw figures bench/run.sh left in its run folder, prints the table (Markdown, so the README's
/// Performance section can show it as is) and writes every figure, with the targets, to one JSON file.
/// </summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Write(string runDirectory, string output)
    {
        JsonNode? Read(string name)
        {
            var path = Path.Combine(runDirectory, name);
            return File.Exists(path) && new FileInfo(path).Length > 0 ? JsonNode.Parse(File.ReadAllText(path)) : null;
        }
        string[] Lines(string name)
        {
            var path = Path.Combine(runDirectory, name);
            return File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        static double Num(JsonNode? node, string field) => node?[field]?.GetValue<double>() ?? double.NaN;

        var env = Read("env.json");
        var loads = new[] { "me", "baseline", "live", "login", "register", "refresh", "login_large", "refresh_large", "refresh_after",
                "native_me", "native_login", "native_refresh", "native_gen0_me", "native_gen0_login", "native_gen0_refresh",
                "jit_me", "jit_login", "jit_refresh" }
            .ToDictionary(n => n, n => Read($"{n}.json"));
        // The bracketed measures: each API run between two reference runs, the median ratio the figure
        // (bench/run.sh), and the reference run before the median round.
        var bracketedNames = new[] { "me", "login", "register", "login_large" };
        var rounds = bracketedNames.ToDictionary(n => n, n => Read($"{n}_rounds.json"));
        var references = bracketedNames.ToDictionary(n => n, n => Read($"{n}_ref.json"));
        var verify = Read("hash_verify.json");
        var hash = Read("hash_hash.json");
        var hashAlloc = Read("hash_alloc.json");
        // The reference (hash_verify, hash_hash) is the faster GC's run; both GCs' runs are kept.
        var verifyByGc = new[] { Read("hash_verify_server.json"), Read("hash_verify_workstation.json") };
        var hashByGc = new[] { Read("hash_hash_server.json"), Read("hash_hash_workstation.json") };
        var verifyJit = Read("hash_verify_jit.json");
        var hashJit = Read("hash_hash_jit.json");
        var gcModes = Read("gc_modes.json");
        var loginGc = Read("login_gc.json");
        var sqlSmall = Read("sql_refresh.json");
        var sqlLarge = Read("sql_refresh_large.json");
        var sqlAfter = Read("sql_refresh_after.json");
        var seed = Read("seed.json");
        var startup = Read("startup.json");
        var cores = (int)Num(env, "cores");

        var starts = startup?["runs_ms"]?.AsArray().Select(n => n!.GetValue<double>()).Order().ToList() ?? [];
        var startMedian = starts.Count > 0 ? starts[starts.Count / 2] : double.NaN;
        var hwmKb = double.TryParse(Lines("vmhwm_kb.txt").FirstOrDefault(), Invariant, out var kb) ? kb : double.NaN;
        var peakMb = hwmKb / 1024;
        var phases = Lines("rss.tsv").Select(l => l.Split('\t')).Where(p => p.Length == 5)
            .Select(p => new JsonObject { ["phase"] = p[0], ["rss_mb"] = Mb(p[1]), ["hwm_mb"] = Mb(p[2]), ["anon_mb"] = Mb(p[3]), ["file_mb"] = Mb(p[4]) })
            .ToList();

        double Rps(string name) => Num(loads[name], "rps");
        string ByGc(JsonNode?[] runs) => string.Join(", ", runs.OrderByDescending(r => Num(r, "rate")).Select(r =>
            string.Create(Invariant, $"{F(Num(r, "rate"), 1)}/s on the {r?["gc"]} GC ({F(Num(r, "ms_per_op"), 1)} ms each)")));
        JsonNode? SameGc(JsonNode?[] runs) => runs.FirstOrDefault(r => r?["gc"]?.GetValue<string>() == gcModes?["api_gc"]?.GetValue<string>());
        static double PerRefresh(JsonNode? sql, string field) => Num(sql, field) / Num(sql, "refreshes");

        double Ratio(string name) => Num(rounds[name], "median_ratio");
        // The large database's refresh rate against the mean of the small database's runs before and after it.
        var refreshSmall = (Rps("refresh") + Rps("refresh_after")) / 2;
        // The reference around the median round (the mean of the runs before and after it).
        double Reference(string name) => rounds[name]?["rounds"]?.AsArray()
            .FirstOrDefault(r => Num(r, "round") == Num(rounds[name], "median_round")) is { } round ? Num(round, "reference") : double.NaN;
        string Ratios(string name) => rounds[name]?["rounds"]?.AsArray() is { } all
            ? string.Join(" / ", all.Select(r => F(Num(r, "ratio"), 2)))
            : "n/a";

        var targets = new List<Target>
        {
            new("me_vs_baseline", "GET /auth/me req/s vs baseline (median of bracketed rounds)", Ratio("me"), ">=", 0.85, "x"),
            new("login_vs_raw_verify", "login req/s vs raw Argon2id verify rate (median of bracketed rounds)", Ratio("login"), ">=", 0.97, "x"),
            new("register_vs_raw_hash", "register req/s vs raw Argon2id hash rate (median of bracketed rounds)", Ratio("register"), ">=", 0.97, "x"),
            new("refresh_rps", "refresh req/s (8 chains)", Rps("refresh"), ">=", 3000, "/s"),
            new("refresh_round_trips", "SQL round trips per refresh", PerRefresh(sqlSmall, "npgsql_commands"), "<=", 2, ""),
            new("refresh_large_vs_small", "refresh req/s, large DB vs small (mean of the runs before and after)", Rps("refresh_large") / refreshSmall, ">=", 0.80, "x"),
            new("refresh_large_round_trips", "SQL round trips per refresh, large DB", PerRefresh(sqlLarge, "npgsql_commands"), "<=", 2, ""),
            new("login_large_vs_raw_verify", "login req/s with 1M users vs raw verify rate (median of bracketed rounds)", Ratio("login_large"), ">=", 0.97, "x"),
            new("peak_rss_mb", "API peak RSS (VmHWM), MB", peakMb, "<=", 120, " MB"),
            new("start_to_ready_s", "start to /health/ready 200 (median of 3), s", startMedian / 1000, "<=", 1.0, " s"),
        };
        var met = targets.ToDictionary(t => t.Key, t => t.Met);

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"| measure ({cores} cores, {Num(env, "seconds_per_measurement")} s each) | req/s | p50 ms | p99 ms | non-2xx | compared with | ratio | target | |");
        table.AppendLine("|---|--:|--:|--:|--:|---|--:|---|---|");
        // A measurement during which processes outside the bench used more than 5% of the machine's CPU is
        // marked †, with the share listed under the table: its figures are not this code's alone.
        double OtherShare(JsonNode? m) => Num(m?["cpu"], "other_s") / Num(m?["cpu"], "capacity_s");
        var disturbed = loads.Concat(references.Select(kv => KeyValuePair.Create(kv.Key + "_ref", kv.Value)))
            .Where(kv => OtherShare(kv.Value) > 0.05).Select(kv => (kv.Key, Share: OtherShare(kv.Value)))
            .ToList();
        string Dagger(string name) => disturbed.Any(d => d.Key == name) ? " †" : "";
        void Row(string label, string load, string reference, double ratio, string target, string key)
        {
            var l = loads[load];
            label += Dagger(load);
            if (disturbed.Any(d => d.Key == load + "_ref"))
                reference += " †";
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {label} | {F(Num(l, "rps"), 0)} | {F(Num(l, "p50_ms"), 2)} | {F(Num(l, "p99_ms"), 2)} | {F(Num(l, "non2xx"), 0)} | {reference} | {(double.IsNaN(ratio) ? "" : F(ratio, 2) + "x")} | {target} | {Mark(key)} |");
        }
        string Mark(string key) => key.Length == 0 ? "" : met.GetValueOrDefault(key) ? "met" : "**missed**";

        Row("GET /auth/me, valid token, c=32", "me", $"baseline {F(Reference("me"), 0)}/s; rounds {Ratios("me")}", Ratio("me"), "≥ 0.85x", "me_vs_baseline");
        Row("baseline: bare ASP.NET Core, same JSON, no auth, c=32", "baseline", "", double.NaN, "", "");
        Row("(diagnostic) GET /health/live on the API, c=32", "live", $"baseline {F(Rps("baseline"), 0)}/s", Rps("live") / Rps("baseline"), "", "");
        Row($"POST /auth/login, c={cores}", "login", $"raw Argon2id verify {F(Reference("login"), 1)}/s ({references["login"]?["gc"]} GC); rounds {Ratios("login")}",
            Ratio("login"), "≥ 0.97x", "login_vs_raw_verify");
        Row($"POST /auth/register, c={cores}", "register", $"raw Argon2id hash {F(Reference("register"), 1)}/s ({references["register"]?["gc"]} GC); rounds {Ratios("register")}",
            Ratio("register"), "≥ 0.97x", "register_vs_raw_hash");
        Row("POST /auth/refresh, 8 rotation chains", "refresh",
            $"{F(PerRefresh(sqlSmall, "npgsql_commands"), 2)} round trips, {F(PerRefresh(sqlSmall, "statements"), 2)} statements / refresh",
            double.NaN, "≥ 3,000/s, ≤ 2 round trips", Both("refresh_rps", "refresh_round_trips"));
        Row($"POST /auth/login, c={cores}, {Count(seed, "users")} users", "login_large", $"raw verify {F(Reference("login_large"), 1)}/s; rounds {Ratios("login_large")}",
            Ratio("login_large"), "≥ 0.97x", "login_large_vs_raw_verify");
        Row($"POST /auth/refresh, 8 chains, {Count(seed, "refresh_tokens")} token rows", "refresh_large",
            $"small DB {F(refreshSmall, 0)}/s (before {F(Rps("refresh"), 0)}, after {F(Rps("refresh_after"), 0)}); {F(PerRefresh(sqlLarge, "npgsql_commands"), 2)} round trips, {F(PerRefresh(sqlLarge, "statements"), 2)} statements / refresh",
            Rps("refresh_large") / refreshSmall, "≥ 0.80x", Both("refresh_large_vs_small", "refresh_large_round_trips"));
        table.AppendLine(CultureInfo.InvariantCulture,
            $"| API peak RSS over the run (VmHWM) | {F(peakMb, 1)} MB | | | | | | ≤ 120 MB | {Mark("peak_rss_mb")} |");
        table.AppendLine(CultureInfo.InvariantCulture,
            $"| start to /health/ready 200, migrations applied | {F(startMedian, 0)} ms | | | | median of {string.Join(", ", starts.Select(s => F(s, 0)))} ms | | ≤ 1,000 ms | {Mark("start_to_ready_s")} |");

        string Both(string a, string b)
        {
            met[a + "+" + b] = met[a] && met[b];
            return a + "+" + b;
        }

        Console.WriteLine();
        Console.Write(table);
        Console.WriteLine(string.Create(Invariant,
            $"Ratios to a reference are the median of {rounds["login"]?["rounds"]?.AsArray().Count ?? 0} rounds, each API run divided by the mean of the reference runs just before and after it; the rate and latencies shown are the median round's."));
        if (disturbed.Count > 0)
            Console.WriteLine(string.Create(Invariant,
                $"† other load on the machine (not the API, PostgreSQL, wrk or the bench tool) during: {string.Join(", ", disturbed.Select(d => $"{d.Key} {100 * d.Share:F0}%"))} of the CPU."));
        Console.WriteLine();
        Console.WriteLine(string.Create(Invariant,
            $"Raw Argon2id (m=19456, t=2, p=1; Isopoh, one reused instance per thread, compiled natively like the API) on {cores} threads, the faster GC's rate being the reference: verify {ByGc(verifyByGc)}; hash {ByGc(hashByGc)}. The API runs the {gcModes?["api_gc"]} GC; the median login and register runs against these single samples under that GC: {F(Rps("login") / Num(SameGc(verifyByGc), "rate"), 2)}x and {F(Rps("register") / Num(SameGc(hashByGc), "rate"), 2)}x, and against the faster GC's: {F(Rps("login") / Num(verify, "rate"), 2)}x and {F(Rps("register") / Num(hash, "rate"), 2)}x. On the JIT ({gcModes?["api_gc"]} GC): verify {F(Num(verifyJit, "rate"), 1)}/s, hash {F(Num(hashJit, "rate"), 1)}/s. The API's PasswordHasher allocates {F(Num(hashAlloc, "hash_allocated_mb"), 1)} MB (managed) per hash, {F(Num(hashAlloc, "verify_allocated_mb"), 1)} MB per verify."));
        if (loginGc is not null)
            Console.WriteLine(string.Create(Invariant,
                $"Garbage collections during the login runs: the API {F(Num(loginGc, "gc_per_s"), 0)}/s, all threads paused {F(100 * Num(loginGc, "gc_paused_share"), 1)}% of the time; the raw verify {string.Join("; ", verifyByGc.Select(v => string.Create(Invariant, $"on the {v?["gc"]} GC {F(Num(v, "gc_per_s"), 0)}/s, paused {F(100 * Num(v, "gc_paused_share"), 1)}%")))}."));
        Console.WriteLine(string.Create(Invariant,
            $"API RSS after each phase (MB: rss/peak, rss = anonymous + file-backed): {string.Join("; ", phases.Select(p => $"{p["phase"]} {p["rss_mb"]}/{p["hwm_mb"]} ({p["anon_mb"]}+{p["file_mb"]})"))}."));
        var buildRuns = new[] { Read("build_native.json"), Read("build_native_gen0.json"), Read("build_jit.json") }.OfType<JsonNode>().ToList();
        if (buildRuns.Count > 0)
            Console.WriteLine(string.Create(Invariant, $"A fresh API under the same short load (me c=32, login c={cores}, refresh 8 chains), native, native with a 16 MB gen0 budget (native_gen0: DOTNET_GCgen0size=1000000) and on the JIT: {string.Join("; ",
                buildRuns.Select(g => g["build"]!.GetValue<string>()).Select(b => (b, run: buildRuns.First(r => r["build"]!.GetValue<string>() == b))).Select(x =>
                    $"{x.b}: start {Num(x.run, "start_ms")} ms, peak {F(Num(x.run, "hwm_after_start_kb") / 1024, 0)} MB after start and {F(Num(x.run, "hwm_after_load_kb") / 1024, 0)} MB after load, me {F(Rps($"{x.b}_me"), 0)}/s, login {F(Rps($"{x.b}_login"), 1)}/s, refresh {F(Rps($"{x.b}_refresh"), 0)}/s"))}."));
        Console.WriteLine("CPU per measurement (s of the run; µs per 2xx response; 'other' is load from outside the bench):");
        foreach (var (name, load) in loads)
        {
            if (load?["cpu"] is not { } cpu)
                continue;
            Console.WriteLine(string.Create(Invariant,
                $"  {name,-22} server {F(Num(cpu, "server_s"), 2)} s ({F(Num(cpu, "server_us_per_ok"), 0)} µs/req), postgres {F(Num(cpu, "postgres_s"), 2)} s ({F(Num(cpu, "postgres_us_per_ok"), 0)} µs/req), wrk {F(Num(cpu, "wrk_s"), 2)} s, other {F(Num(cpu, "other_s"), 2)} s; busy {F(100 * Num(cpu, "busy_s") / Num(cpu, "capacity_s"), 0)}% of {F(Num(cpu, "capacity_s"), 1)} core-s"));
        }
        if (seed is not null)
            Console.WriteLine($"Seeded: {seed.ToJsonString()}");
        foreach (var (name, sql) in new[] { ("refresh", sqlSmall), ("refresh_large", sqlLarge), ("refresh_after", sqlAfter) })
        {
            if (sql?["by_statement"] is not JsonArray statements)
                continue;
            var wal = sql["wal"];
            Console.WriteLine(string.Create(Invariant,
                $"SQL during {name} ({Num(sql, "refreshes")} refreshes rotated, {Num(sql, "npgsql_commands")} Npgsql commands; WAL per refresh: {F(Num(wal, "records") / Num(sql, "refreshes"), 1)} records, {F(Num(wal, "bytes") / Num(sql, "refreshes"), 0)} bytes, {F(Num(wal, "full_page_images") / Num(sql, "refreshes"), 2)} full-page images, {F(Num(wal, "syncs") / Num(sql, "refreshes"), 2)} fsyncs):"));
            foreach (var s in statements.Take(5))
                Console.WriteLine(string.Create(Invariant,
                    $"  {F(Num(s, "calls") / Num(sql, "refreshes"), 2)}/refresh, plan {F(Num(s, "mean_plan_ms"), 3)} ms + execute {F(Num(s, "mean_ms"), 3)} ms: {Trim(s?["query"]?.GetValue<string>() ?? "", 110)}"));
        }
        var explain = Lines("explain_refresh.txt");
        Console.WriteLine("EXPLAIN (ANALYZE, BUFFERS) of the refresh statement, large DB:");
        foreach (var line in explain.Where(l => l.Length > 0 && l != "BEGIN" && l != "ROLLBACK"))
            Console.WriteLine("  " + line);
        Console.WriteLine();
        Console.WriteLine(string.Create(Invariant,
            $"Targets met: {targets.Count(t => t.Met)} of {targets.Count}; missed: {string.Join(", ", targets.Where(t => !t.Met).Select(t => t.Key)) switch { "" => "none", var m => m }}."));

        var document = new JsonObject
        {
            ["environment"] = env?.DeepClone(),
            ["table_markdown"] = table.ToString(),
            ["disturbed"] = new JsonObject(disturbed.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)JsonValue.Create(Math.Round(d.Share, 3))))),
            ["targets"] = new JsonArray(targets.Select(t => (JsonNode)new JsonObject
            {
                ["key"] = t.Key,
                ["what"] = t.What,
                ["value"] = Round(t.Value, 4),
                ["comparison"] = t.Comparison,
                ["target"] = t.Threshold,
                ["met"] = t.Met,
            }).ToArray()),
            ["load"] = new JsonObject(loads.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))),
            ["bracketed_rounds"] = new JsonObject(rounds.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))),
            ["argon2id_raw"] = new JsonObject
            {
                ["verify"] = verify?.DeepClone(),
                ["hash"] = hash?.DeepClone(),
                ["gc"] = gcModes?.DeepClone(),
                ["verify_by_gc"] = new JsonArray(verifyByGc.Select(v => v?.DeepClone()).ToArray()),
                ["hash_by_gc"] = new JsonArray(hashByGc.Select(v => v?.DeepClone()).ToArray()),
                ["verify_jit"] = verifyJit?.DeepClone(),
                ["hash_jit"] = hashJit?.DeepClone(),
                ["allocations"] = hashAlloc?.DeepClone(),
                ["api_gc_during_login"] = loginGc?.DeepClone(),
            },
            ["sql_per_refresh"] = new JsonObject
            {
                ["small_db"] = SqlSummary(sqlSmall),
                ["large_db"] = SqlSummary(sqlLarge),
                ["small_db_after"] = SqlSummary(sqlAfter),
            },
            ["seed"] = seed?.DeepClone(),
            ["explain_refresh_large_db"] = new JsonArray(explain.Select(l => (JsonNode)JsonValue.Create(l)!).ToArray()),
            ["explain_login_large_db"] = new JsonArray(Lines("explain_login.txt").Select(l => (JsonNode)JsonValue.Create(l)!).ToArray()),
            ["memory"] = new JsonObject
            {
                ["peak_rss_mb"] = Round(peakMb, 1),
                ["by_phase"] = new JsonArray(phases.ToArray<JsonNode>()),
                ["build_diagnostic"] = new JsonArray(buildRuns.Select(g => g.DeepClone()).ToArray()),
            },
            ["startup"] = new JsonObject
            {
                ["median_ms"] = Round(startMedian, 0),
                ["runs_ms"] = startup?["runs_ms"]?.DeepClone(),
                ["first_start_with_migrations_ms"] = startup?["first_start_with_migrations_ms"]?.DeepClone(),
            },
        };
        File.WriteAllText(output, document.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n");
        return 0;
    }

    private static JsonObject? SqlSummary(JsonNode? sql)
    {
        if (sql is null)
            return null;
        var summary = (JsonObject)sql.DeepClone();
        var refreshes = sql["refreshes"]!.GetValue<double>();
        summary["round_trips_per_refresh"] = Round(sql["npgsql_commands"]!.GetValue<double>() / refreshes, 3);
        summary["statements_per_refresh"] = Round(sql["statements"]!.GetValue<double>() / refreshes, 3);
        summary["statements_per_refresh_excluding_discard_all"] = Round(sql["statements_excluding_discard_all"]!.GetValue<double>() / refreshes, 3);
        return summary;
    }

    private static double? Round(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : null;

    private static double? Mb(string kb) => double.TryParse(kb, Invariant, out var v) ? Math.Round(v / 1024, 1) : null;

    private static string F(double value, int digits) =>
        double.IsFinite(value) ? value.ToString(digits == 0 ? "N0" : "N" + digits, Invariant) : "n/a";

    private static string Count(JsonNode? seed, string field) =>
        seed?[field]?.GetValue<long>() is { } n ? n.ToString("N0", Invariant) : "n/a";

    private static string Trim(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private sealed record Target(string Key, string What, double Value, string Comparison, double Threshold, string Unit)
    {
        public bool Met => double.IsFinite(Value) && (Comparison == ">=" ? Value >= Threshold : Value <= Threshold);
    }
}
