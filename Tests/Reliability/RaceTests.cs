using System.Text.Json;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Reliability;

public sealed class RaceTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const int Racers = 50;

    [Fact]
    public async Task fifty_concurrent_registrations_of_one_email_create_one_account()
    {
        var email = ApiFixture.UniqueEmail("race");
        var statuses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(async i =>
        {
            var result = await api.Host.Scenario(s =>
            {
                // The same account in different cases: one index decides for all of them.
                s.Post.Json(new { email = i % 2 == 0 ? email : email.ToUpperInvariant(), password = ApiFixture.StrongPassword })
                    .ToUrl("/auth/register");
                s.IgnoreStatusCode();
            });
            return result.Context.Response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == 201));
        Assert.Equal(Racers - 1, statuses.Count(s => s == 409));
        Assert.Equal(1L, await api.ScalarAsync<long>("select count(*) from users where lower(email) = lower($1)", email));
    }

    [Fact]
    public async Task fifty_concurrent_refreshes_of_one_token_stay_in_one_family()
    {
        var (_, userId, tokens) = await api.NewSessionAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, Racers).Select(async _ =>
        {
            var result = await api.Host.Scenario(s =>
            {
                s.Post.Json(new { refreshToken = tokens.RefreshToken }).ToUrl("/auth/refresh");
                s.IgnoreStatusCode();
            });
            return (result.Context.Response.StatusCode, Body: await result.ReadAsTextAsync());
        }));

        // Within the grace window every racer gets a token, all of them siblings in the login's session.
        Assert.All(results, r => Assert.Equal(200, r.StatusCode));
        Assert.Equal(1L, await api.ScalarAsync<long>("select count(*) from sessions where user_id = $1", userId));
        Assert.Equal(1L, await api.ScalarAsync<long>("select count(*) from refresh_tokens where user_id = $1 and retired_at is not null", userId));
        Assert.Equal(Racers, (int)await api.ScalarAsync<long>(
            "select count(*) from refresh_tokens where user_id = $1 and retired_at is null and revoked_at is null", userId));
        var issued = results.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("refreshToken").GetString()).ToHashSet();
        Assert.Equal(Racers, issued.Count);
    }
}
