using Dapper;
using Npgsql;

namespace SliceAuth.Features.Refresh;

internal static class Data
{
    internal sealed class Rotated
    {
        public Guid SessionId { get; init; }
        public Guid UserId { get; init; }
        public string Email { get; init; } = "";
    }

    /// <summary>
    /// Retires the presented token and issues its successor, in one statement. The update takes the
    /// token's row lock and re-checks `retired_at is null` after waiting for it, so of two concurrent
    /// refreshes of one token exactly one rotates; the other gets null and falls to the grace rule.
    /// That row lock is the only lock a refresh waits for: it writes no session row.
    /// </summary>
    public static Task<Rotated?> RotateAsync(NpgsqlConnection connection, byte[] tokenHash, byte[] nextHash, DateTime now, DateTime expiresAt) =>
        connection.QuerySingleOrDefaultAsync<Rotated>("""
            with retired as (
                update refresh_tokens t
                set retired_at = @now
                from sessions s
                where t.token_hash = @tokenHash
                  and s.id = t.session_id
                  and t.retired_at is null and t.revoked_at is null and s.revoked_at is null
                  and t.expires_at > @now
                returning t.session_id, t.user_id
            ), successor as (
                insert into refresh_tokens (user_id, session_id, token_hash, created_at, expires_at)
                select user_id, session_id, @nextHash, @now, @expiresAt
                from retired
            )
            select r.session_id as SessionId, r.user_id as UserId, u.email as Email
            from retired r
            join users u on u.id = r.user_id
            """, new { tokenHash, nextHash, now, expiresAt });

    /// <summary>
    /// Within the grace window after its rotation, a retired token (two tabs refreshing at once) gets a
    /// sibling in its family instead of counting as reuse.
    /// </summary>
    public static Task<Rotated?> IssueSiblingAsync(NpgsqlConnection connection, byte[] tokenHash, byte[] nextHash, DateTime now,
        DateTime expiresAt, DateTime graceStart) =>
        connection.QuerySingleOrDefaultAsync<Rotated>("""
            with presented as (
                select t.session_id, t.user_id
                from refresh_tokens t
                join sessions s on s.id = t.session_id
                where t.token_hash = @tokenHash
                  and t.retired_at > @graceStart
                  and t.revoked_at is null and s.revoked_at is null
                  and t.expires_at > @now
            ), sibling as (
                insert into refresh_tokens (user_id, session_id, token_hash, created_at, expires_at)
                select user_id, session_id, @nextHash, @now, @expiresAt
                from presented
            )
            select p.session_id as SessionId, p.user_id as UserId, u.email as Email
            from presented p
            join users u on u.id = p.user_id
            """, new { tokenHash, nextHash, now, expiresAt, graceStart });

    /// <summary>
    /// A retired token presented after the grace window was stolen or replayed: the whole family goes.
    /// Tokens first, then the session, as every revocation does (see SessionRevocation). Returns the
    /// session revoked, or null when the token was not a retired one of a live session.
    /// </summary>
    public static Task<Guid?> RevokeReusedFamilyAsync(NpgsqlConnection connection, byte[] tokenHash, DateTime now) =>
        connection.ExecuteScalarAsync<Guid?>("""
            update refresh_tokens
            set revoked_at = @now
            where id in (
                select id from refresh_tokens
                where session_id = (select session_id from refresh_tokens where token_hash = @tokenHash and retired_at is not null)
                  and revoked_at is null
                order by id
                for no key update);

            with family as (
                update sessions
                set revoked_at = @now
                where id = (select session_id from refresh_tokens where token_hash = @tokenHash and retired_at is not null)
                  and revoked_at is null
                returning id
            )
            select id from family
            """, new { tokenHash, now });

    /// <summary>Why a token that neither rotated nor got a sibling was refused: for metrics only.</summary>
    public static Task<string?> RejectionReasonAsync(NpgsqlConnection connection, byte[] tokenHash, DateTime now) =>
        connection.ExecuteScalarAsync<string?>("""
            select case
                     when t.revoked_at is not null or s.revoked_at is not null then 'revoked'
                     when t.expires_at <= @now then 'expired'
                     else 'retired'
                   end
            from refresh_tokens t
            join sessions s on s.id = t.session_id
            where t.token_hash = @tokenHash
            """, new { tokenHash, now });
}
