using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SliceAuth.Infrastructure.Database;

public sealed class CleanupOptions
{
    public const string Section = "Cleanup";

    public bool Enabled { get; set; } = true;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = NativeBuild.OwnTypesKept)]

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long expired or revoked rows are kept before they are deleted.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = NativeBuild.OwnTypesKept)]
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan Margin { get; set; } = TimeSpan.FromDays(1);

    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1000;
}

/// <summary>
/// Deletes sessions and refresh tokens past their expiry or revocation plus a margin, in small batches so
/// no statement holds many row locks at once. Deleting a session deletes its tokens (on delete cascade).
/// </summary>
public sealed class ExpiredTokenCleanup(
    NpgsqlDataSource database, IOptions<CleanupOptions> options, TimeProvider time, ILogger<ExpiredTokenCleanup> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
            return;
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Refresh-token clean-up skipped: the database is unreachable.");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One clean-up pass; returns the number of sessions and tokens deleted.</summary>
    public async Task<(int Sessions, int Tokens)> RunOnceAsync(CancellationToken ct = default)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - options.Value.Margin;
        var batch = options.Value.BatchSize;
        int sessions = 0, tokens = 0, deleted;
        await using var connection = await database.OpenConnectionAsync(ct);
        do
        {
            deleted = await connection.ExecuteAsync("""
                delete from sessions
                where id in (
                    select s.id from sessions s
                    where s.revoked_at < @cutoff
                       or not exists (select 1 from refresh_tokens t where t.session_id = s.id and t.expires_at >= @cutoff)
                    limit @batch)
                """, new { cutoff, batch });
            sessions += deleted;
        } while (deleted == batch && !ct.IsCancellationRequested);
        do
        {
            deleted = await connection.ExecuteAsync("""
                delete from refresh_tokens
                where id in (
                    select id from refresh_tokens
                    where expires_at < @cutoff or revoked_at < @cutoff
                    limit @batch)
                """, new { cutoff, batch });
            tokens += deleted;
        } while (deleted == batch && !ct.IsCancellationRequested);
        if (sessions + tokens > 0)
            logger.LogInformation("Deleted {Sessions} expired or revoked sessions and {Tokens} refresh tokens", sessions, tokens);
        return (sessions, tokens);
    }
}
