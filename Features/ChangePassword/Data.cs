using Dapper;
using Npgsql;

namespace SliceAuth.Features.ChangePassword;

internal static class Data
{
    /// <summary>
    /// The current hash, with the user's row locked until the change commits. `no key update`: a refresh
    /// inserting a token takes a key-share lock on this row (its foreign key), which must not wait.
    /// </summary>
    public static Task<string?> LockPasswordHashAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId) =>
        connection.QuerySingleOrDefaultAsync<string>("""
            select password
            from users
            where id = @userId
            for no key update
            """, new { userId }, transaction);

    public static Task SetPasswordHashAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, string passwordHash, DateTime now) =>
        connection.ExecuteAsync("""
            update users
            set password = @passwordHash, updated_at = @now
            where id = @userId
            """, new { userId, passwordHash, now }, transaction);
}
