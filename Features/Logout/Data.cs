using Dapper;
using Npgsql;

namespace SliceAuth.Features.Logout;

internal static class Data
{
    /// <summary>Ends the presented token's whole session; an unknown or revoked token changes nothing.</summary>
    public static Task<int> RevokeSessionAsync(NpgsqlConnection connection, byte[] tokenHash, DateTime now) =>
        connection.ExecuteScalarAsync<int>("""
            with session as (
                update sessions s
                set revoked_at = @now
                from refresh_tokens t
                where t.token_hash = @tokenHash
                  and s.id = t.session_id
                  and s.revoked_at is null
                returning s.id
            ), tokens as (
                update refresh_tokens
                set revoked_at = @now
                where session_id in (select id from session) and revoked_at is null
            )
            select count(*)::int from session
            """, new { tokenHash, now });
}
