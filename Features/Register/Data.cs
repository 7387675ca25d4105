using Dapper;
using Npgsql;

namespace SliceAuth.Features.Register;

internal static class Data
{
    internal sealed class CreatedUser
    {
        public Guid Id { get; init; }
        public string Email { get; init; } = "";
        public DateTime CreatedAt { get; init; }
    }

    /// <summary>Null when the email is taken, in any case: the unique index decides, even between racing requests.</summary>
    public static Task<CreatedUser?> InsertUserAsync(NpgsqlConnection connection, string email, string passwordHash) =>
        connection.QuerySingleOrDefaultAsync<CreatedUser>("""
            insert into users (email, password)
            values (@email, @passwordHash)
            on conflict do nothing
            returning id, email, created_at as CreatedAt
            """, new { email, passwordHash });
}
