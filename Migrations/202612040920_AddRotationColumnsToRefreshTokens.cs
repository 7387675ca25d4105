using FluentMigrator;

namespace SliceAuth.Migrations;

/// <summary>
/// Room for hashed tokens, their session and rotation. Nullable for now: the next migration fills them
/// for rows the Go service left, and the one after makes them required.
/// </summary>
[Migration(202612040920, "Add token_hash, session_id, created_at and retired_at to refresh_tokens")]
public sealed class AddRotationColumnsToRefreshTokens : Migration
{
    public override void Up() => Execute.Sql("""
        ALTER TABLE refresh_tokens
          ADD COLUMN token_hash BYTEA,
          ADD COLUMN session_id UUID REFERENCES sessions(id) ON DELETE CASCADE,
          ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
          ADD COLUMN retired_at TIMESTAMPTZ;
        """);

    public override void Down() => Execute.Sql("""
        ALTER TABLE refresh_tokens
          DROP COLUMN token_hash, DROP COLUMN session_id, DROP COLUMN created_at, DROP COLUMN retired_at;
        """);
}
