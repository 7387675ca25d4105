using Dapper;
using Npgsql;

namespace SliceAuth.Features.Sessions;

internal static class Data
{
    internal sealed class Row
    {
        public Guid Id { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime LastUsedAt { get; init; }
        public DateTime ExpiresAt { get; init; }
        public string? UserAgent { get; init; }
    }

    public static Task<IEnumerable<Row>> LiveSessionsAsync(NpgsqlConnection connection, Guid userId, DateTime now) =>
        connection.QueryAsync<Row>("""
            select id, created_at, last_used_at, expires_at, user_agent
            from sessions
            where user_id = @userId and revoked_at is null and expires_at > @now
            order by created_at desc, id
            """, new { userId, now });
}
