using Dapper;
using Npgsql;

namespace SliceAuth.Features.RevokeSession;

internal static class Data
{
    /// <summary>
    /// Revokes one live session of the user; 0 when the user has no such live session. Tokens first,
    /// then the session, as every revocation does (see SessionRevocation).
    /// </summary>
    public static Task<int> RevokeAsync(NpgsqlConnection connection, Guid userId, Guid sessionId, DateTime now) =>
        connection.ExecuteScalarAsync<int>("""
            update refresh_tokens
            set revoked_at = @now
            where id in (
                select id from refresh_tokens
                where session_id = @sessionId and user_id = @userId and revoked_at is null
                order by id
                for no key update);

            with revoked as (
                update sessions
                set revoked_at = @now
                where id = @sessionId and user_id = @userId and revoked_at is null
                  and exists (select 1 from refresh_tokens where session_id = @sessionId and expires_at > @now)
                returning id
            )
            select count(*)::int from revoked
            """, new { userId, sessionId, now });
}
