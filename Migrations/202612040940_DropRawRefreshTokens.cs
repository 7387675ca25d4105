using FluentMigrator;

namespace SliceAuth.Migrations;

/// <summary>No raw refresh token stays in the database: only its hash identifies it from now on.</summary>
[Migration(202612040940, "Drop the raw token column and require token_hash and session_id")]
public sealed class DropRawRefreshTokens : Migration
{
    public override void Up() => Execute.Sql("""
        ALTER TABLE refresh_tokens
          DROP COLUMN token,
          ALTER COLUMN token_hash SET NOT NULL,
          ALTER COLUMN session_id SET NOT NULL;
        CREATE UNIQUE INDEX refresh_tokens_token_hash_key ON refresh_tokens (token_hash);
        CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);
        """);

    // Raw values cannot come back: the column returns holding each hash in hex, which no client holds.
    public override void Down() => Execute.Sql("""
        DROP INDEX refresh_tokens_session_id_idx;
        DROP INDEX refresh_tokens_token_hash_key;
        ALTER TABLE refresh_tokens
          ADD COLUMN token TEXT,
          ALTER COLUMN token_hash DROP NOT NULL,
          ALTER COLUMN session_id DROP NOT NULL;
        UPDATE refresh_tokens SET token = encode(token_hash, 'hex');
        ALTER TABLE refresh_tokens ALTER COLUMN token SET NOT NULL, ADD CONSTRAINT refresh_tokens_token_key UNIQUE (token);
        """);
}
