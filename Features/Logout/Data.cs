using Dapper;
using Npgsql;

namespace SliceAuth.Features.Logout;

internal static class Data
{
    /// <summary>
    /// Ends the presented token's whole session; an unknown or revoked token changes nothing. Tokens
    /// first, then the session, as every revocation does (see SessionRevocation).
    /// </summary>
    public static Task<int> RevokeSessionAsync(NpgsqlConnection connection, byte[] tokenHash, DateTime now) =>
        connection.ExecuteScalarAsync<int>("""
            update refresh_tokens
            set revoked_at = @now
            where id in (
                select id from refresh_tokens
                where session_id = (select session_id from refresh_tokens where token_hash = @tokenHash)
                  and revoked_at is null
                order by id
                for no key update);

            with session as (
                update sessions
                set revoked_at = @now
                where id = (select session_id from refresh_tokens where token_hash = @tokenHash)
                  and revoked_at is null
                returning id
            )
            select count(*)::int from session
            """, new { tokenHash, now });
}
