using Dapper;
using Npgsql;

namespace SliceAuth.Infrastructure.Database;

/// <summary>
/// Revocation of every session of a user: shared by logout-all and the password change.
/// </summary>
/// <remarks>
/// Every revocation locks a family's token rows first, in id order, and its session rows second, in two
/// statements sent as one batch (one round trip, one implicit transaction). A refresh locks only the
/// one token row it retires, so neither waits for the other while holding a lock the other needs, and
/// revocations do not deadlock among themselves. Refresh checks the session row, so a token that a
/// concurrent refresh inserts after the first statement is dead all the same.
/// </remarks>
public static class SessionRevocation
{
    /// <summary>Returns the number of sessions revoked.</summary>
    public static Task<int> RevokeAllAsync(NpgsqlConnection connection, Guid userId, DateTime now, NpgsqlTransaction? transaction = null) =>
        connection.ExecuteScalarAsync<int>("""
            update refresh_tokens
            set revoked_at = @now
            where id in (
                select id from refresh_tokens
                where user_id = @userId and revoked_at is null
                order by id
                for no key update);

            with revoked as (
                update sessions
                set revoked_at = @now
                where id in (
                    select id from sessions
                    where user_id = @userId and revoked_at is null
                    order by id
                    for no key update)
                returning id
            )
            select count(*)::int from revoked
            """, new { userId, now }, transaction);
}
