using Dapper;
using Npgsql;

namespace SliceAuth.Features.RevokeSession;

internal static class Data
{
    /// <summary>Revokes one live session of the user; 0 when the user has no such live session.</summary>
    public static Task<int> RevokeAsync(NpgsqlConnection connection, Guid userId, Guid sessionId, DateTime now) =>
        connection.ExecuteScalarAsync<int>("""
            with revoked as (
                update sessions
                set revoked_at = @now
                where id = @sessionId and user_id = @userId and revoked_at is null and expires_at > @now
                returning id
            ), tokens as (
                update refresh_tokens
                set revoked_at = @now
                where session_id in (select id from revoked) and revoked_at is null
            )
            select count(*)::int from revoked
            """, new { userId, sessionId, now });
}
