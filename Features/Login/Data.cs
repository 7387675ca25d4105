using Dapper;
using Npgsql;

namespace SliceAuth.Features.Login;

internal static class Data
{
    internal sealed class User
    {
        public Guid Id { get; init; }
        public string Email { get; init; } = "";
        public string PasswordHash { get; init; } = "";
    }

    public static Task<User?> FindUserAsync(NpgsqlConnection connection, string email) =>
        connection.QuerySingleOrDefaultAsync<User>("""
            select id, email, password as PasswordHash
            from users
            where lower(email) = lower(@email)
            """, new { email });

    /// <summary>Replaces a bcrypt or weaker hash, unless a password change got there first.</summary>
    public static Task UpgradePasswordHashAsync(NpgsqlConnection connection, Guid id, string oldHash, string newHash, DateTime now) =>
        connection.ExecuteAsync("""
            update users
            set password = @newHash, updated_at = @now
            where id = @id and password = @oldHash
            """, new { id, oldHash, newHash, now });

    /// <summary>A login opens a session with its first refresh token, in one statement.</summary>
    public static Task<Guid> OpenSessionAsync(NpgsqlConnection connection, Guid userId, byte[] tokenHash, DateTime now,
        DateTime expiresAt, string? userAgent) =>
        connection.ExecuteScalarAsync<Guid>("""
            with session as (
                insert into sessions (user_id, created_at, user_agent)
                values (@userId, @now, @userAgent)
                returning id
            )
            insert into refresh_tokens (user_id, session_id, token_hash, created_at, expires_at)
            select @userId, id, @tokenHash, @now, @expiresAt
            from session
            returning session_id
            """, new { userId, tokenHash, now, expiresAt, userAgent });
}
