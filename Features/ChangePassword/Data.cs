using Dapper;
using Npgsql;

namespace SliceAuth.Features.ChangePassword;

internal static class Data
{
    /// <summary>The current hash, with the user's row locked until the change commits.</summary>
    public static Task<string?> LockPasswordHashAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId) =>
        connection.QuerySingleOrDefaultAsync<string>("""
            select password
            from users
            where id = @userId
            for update
            """, new { userId }, transaction);

    public static Task SetPasswordHashAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, string passwordHash, DateTime now) =>
        connection.ExecuteAsync("""
            update users
            set password = @passwordHash, updated_at = @now
            where id = @userId
            """, new { userId, passwordHash, now }, transaction);
}
