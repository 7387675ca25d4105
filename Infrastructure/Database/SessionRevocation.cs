using Dapper;
using Npgsql;

namespace SliceAuth.Infrastructure.Database;

/// <summary>Revocation of every session of a user: shared by logout-all and the password change.</summary>
public static class SessionRevocation
{
    /// <summary>
    /// Refresh checks the session row, so revoking it is what counts; its tokens are marked too, for the
    /// record. Returns the number of sessions revoked.
    /// </summary>
    public static Task<int> RevokeAllAsync(NpgsqlConnection connection, Guid userId, DateTime now, NpgsqlTransaction? transaction = null) =>
        connection.ExecuteScalarAsync<int>("""
            with revoked as (
                update sessions
                set revoked_at = @now
                where user_id = @userId and revoked_at is null
                returning id
            ), tokens as (
                update refresh_tokens
                set revoked_at = @now
                where session_id in (select id from revoked) and revoked_at is null
            )
            select count(*)::int from revoked
            """, new { userId, now }, transaction);
}
