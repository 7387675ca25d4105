using System.Buffers.Text;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Features.Refresh;

public sealed class TokenStorageTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task the_database_never_holds_a_raw_refresh_token()
    {
        var email = ApiFixture.UniqueEmail();
        await api.RegisterAsync(email);
        var login = await api.LoginAsync(email);
        var first = await api.RefreshedAsync(login.RefreshToken!);
        var sibling = await api.RefreshedAsync(login.RefreshToken!);
        var second = await api.RefreshedAsync(first.RefreshToken!);
        var (_, cookie) = await api.LoginWithCookieAsync(email);
        await api.LogoutAsync(second.RefreshToken!);
        var tokens = new[] { login.RefreshToken!, first.RefreshToken!, sibling.RefreshToken!, second.RefreshToken!, cookie };

        var columns = await ColumnsAsync();
        Assert.Contains("refresh_tokens.token_hash:bytea", columns);
        Assert.Contains("sessions.user_agent:text", columns);
        foreach (var token in tokens)
        {
            Assert.Equal(1L, await api.ScalarAsync<long>(
                "select count(*) from refresh_tokens where token_hash = sha256(convert_to($1, 'UTF8'))", token));
            foreach (var column in columns)
            {
                var (table, name, type) = Split(column);
                var found = type == "bytea"
                    ? await api.ScalarAsync<long>(
                        $"select count(*) from {table} where position(convert_to($1, 'UTF8') in {name}) > 0 or position($2 in {name}) > 0",
                        token, Base64Url.DecodeFromChars(token))
                    : await api.ScalarAsync<long>(
                        $"select count(*) from {table} where position($1 in {name}::text) > 0", token);
                Assert.True(found == 0, $"{table}.{name} holds the raw token");
            }
            Assert.Equal(0L, await api.ScalarAsync<long>(
                "select count(*) from refresh_tokens r where position($1 in r::text) > 0", token));
            Assert.Equal(0L, await api.ScalarAsync<long>(
                "select count(*) from sessions s where position($1 in s::text) > 0", token));
        }
    }

    private async Task<string[]> ColumnsAsync()
    {
        var list = await api.ScalarAsync<string>("""
            select string_agg(table_name || '.' || column_name || ':' || data_type, ',')
            from information_schema.columns
            where table_schema = current_schema()
              and table_name in ('refresh_tokens', 'sessions')
              and data_type in ('text', 'bytea', 'character varying', 'character', 'json', 'jsonb')
            """);
        return list!.Split(',');
    }

    private static (string Table, string Column, string Type) Split(string column)
    {
        var (qualified, type) = (column[..column.IndexOf(':')], column[(column.IndexOf(':') + 1)..]);
        return (qualified[..qualified.IndexOf('.')], qualified[(qualified.IndexOf('.') + 1)..], type);
    }
}
