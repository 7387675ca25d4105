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

    /// <summary>
    /// Live sessions: not revoked, with a token not yet expired. A session was last used when its newest
    /// token was issued (at login, or by the last refresh) and expires with it.
    /// </summary>
    public static Task<IEnumerable<Row>> LiveSessionsAsync(NpgsqlConnection connection, Guid userId, DateTime now) =>
        connection.QueryAsync<Row>("""
            select s.id, s.created_at, max(t.created_at) as last_used_at, max(t.expires_at) as expires_at, s.user_agent
            from sessions s
            join refresh_tokens t on t.session_id = s.id
            where s.user_id = @userId and s.revoked_at is null
            group by s.id
            having max(t.expires_at) > @now
            order by s.created_at desc, s.id
            """, new { userId, now });
}
