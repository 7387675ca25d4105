using FluentMigrator;

namespace SliceAuth.Migrations;

/// <summary>
/// A session is one login: the family of refresh tokens that rotation chains from it. When it was last
/// used and when it expires are its newest token's, so they are read from the tokens, not kept here: a
/// refresh then writes no session row, and takes no lock that a revocation also wants.
/// </summary>
[Migration(202612040910, "Create the sessions table")]
public sealed class CreateSessions : Migration
{
    public override void Up() => Execute.Sql("""
        CREATE TABLE sessions (
          id           UUID        PRIMARY KEY DEFAULT gen_random_uuid(),
          user_id      UUID        NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
          user_agent   TEXT,
          revoked_at   TIMESTAMPTZ
        );
        CREATE INDEX sessions_user_id_idx ON sessions (user_id);
        """);

    public override void Down() => Execute.Sql("DROP TABLE sessions;");
}
