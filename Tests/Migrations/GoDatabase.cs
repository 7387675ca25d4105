namespace SliceAuth.Tests.Migrations;

/// <summary>A database as the reference Go service leaves it: its two tables, bcrypt users, raw tokens.</summary>
public static class GoDatabase
{
    public const string Schema = """
        CREATE TABLE users (
          id          UUID        PRIMARY KEY DEFAULT gen_random_uuid(),
          email       TEXT        NOT NULL UNIQUE,
          password    TEXT        NOT NULL,
          created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
          updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
        );

        CREATE TABLE refresh_tokens (
          id         UUID        PRIMARY KEY DEFAULT gen_random_uuid(),
          user_id    UUID        NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          token      TEXT        NOT NULL UNIQUE,
          expires_at TIMESTAMPTZ NOT NULL,
          revoked_at TIMESTAMPTZ
        );
        """;
}
