using FluentMigrator;

namespace SliceAuth.Migrations;

/// <summary>
/// One account per email whatever its case. Databases that hold emails differing only in case are
/// stopped before any migration runs (see Infrastructure/Database/Migrations.cs), with the list.
/// </summary>
[Migration(202612040950, "Add a unique index on lower(email)")]
public sealed class AddCaseInsensitiveEmailIndex : Migration
{
    public override void Up() => Execute.Sql("CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));");

    public override void Down() => Execute.Sql("DROP INDEX users_email_lower_key;");
}
