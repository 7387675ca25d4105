using FluentMigrator;

namespace SliceAuth.Migrations;

/// <summary>
/// Exactly the reference Go service's two tables. `if not exists` lets SliceAuth adopt that service's
/// database: there the tables are already present, and this migration only records itself as applied.
/// </summary>
[Migration(202612040900, "Create the users and refresh_tokens tables of the Go service")]
public sealed class CreateUsersAndRefreshTokens : Migration
{
    public override void Up() => Execute.Sql("""
        CREATE TABLE IF NOT EXISTS users (
          id          UUID        PRIMARY KEY DEFAULT gen_random_uuid(),
          email       TEXT        NOT NULL UNIQUE,
          password    TEXT        NOT NULL,
          created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
          updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
        );

        CREATE TABLE IF NOT EXISTS refresh_tokens (
          id         UUID        PRIMARY KEY DEFAULT gen_random_uuid(),
          user_id    UUID        NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          token      TEXT        NOT NULL UNIQUE,
          expires_at TIMESTAMPTZ NOT NULL,
          revoked_at TIMESTAMPTZ
        );
        """);

    public override void Down() => Execute.Sql("DROP TABLE refresh_tokens; DROP TABLE users;");
}
