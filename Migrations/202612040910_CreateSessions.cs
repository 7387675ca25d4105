using FluentMigrator;

namespace SliceAuth.Migrations;

/// <summary>A session is one login: the family of refresh tokens that rotation chains from it.</summary>
[Migration(202612040910, "Create the sessions table")]
public sealed class CreateSessions : Migration
{
    public override void Up() => Execute.Sql("""
        CREATE TABLE sessions (
          id           UUID        PRIMARY KEY DEFAULT gen_random_uuid(),
          user_id      UUID        NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
          last_used_at TIMESTAMPTZ NOT NULL DEFAULT now(),
          expires_at   TIMESTAMPTZ NOT NULL,
          user_agent   TEXT,
          revoked_at   TIMESTAMPTZ
        );
        CREATE INDEX sessions_user_id_idx ON sessions (user_id);
        """);

    public override void Down() => Execute.Sql("DROP TABLE sessions;");
}
