using FluentMigrator;

namespace SliceAuth.Migrations;

/// <summary>
/// The Go service stored raw token values (UUID strings) and had no sessions. Each of its tokens becomes
/// its own session, keyed by the token's id, and is kept as the SHA-256 of the value its client still
/// holds, so that client can refresh once more and rotate into SliceAuth's scheme.
/// </summary>
[Migration(202612040930, "Hash stored refresh tokens and give each its own session")]
public sealed class HashExistingRefreshTokens : Migration
{
    public override void Up() => Execute.Sql("""
        INSERT INTO sessions (id, user_id, created_at, revoked_at)
        SELECT id, user_id, now(), revoked_at
        FROM refresh_tokens
        WHERE session_id IS NULL;

        UPDATE refresh_tokens
        SET session_id = id,
            token_hash = sha256(convert_to(token, 'UTF8'))
        WHERE session_id IS NULL;
        """);

    // The raw values are gone after the next migration; before it, undoing means forgetting the sessions.
    public override void Down() => Execute.Sql("""
        UPDATE refresh_tokens SET session_id = NULL, token_hash = NULL;
        DELETE FROM sessions;
        """);
}
