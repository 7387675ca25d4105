using FastEndpoints;
using Npgsql;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Features.Sessions;

/// <summary>The caller's live logins, newest first; `current` marks the one this access token belongs to.</summary>
public sealed class Endpoint(NpgsqlDataSource database, TimeProvider time) : EndpointWithoutRequest<IReadOnlyList<Session>>
{
    public override void Configure()
    {
        Get(ApiRoutes.Sessions);
        Description(endpoint => endpoint.ProducesProblems(StatusCodes.Status401Unauthorized));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var caller = Caller.From(User);
        await using var connection = await database.OpenConnectionAsync(ct);
        var rows = await Data.LiveSessionsAsync(connection, caller.UserId, time.GetUtcNow().UtcDateTime);
        await Send.OkAsync(rows
            .Select(r => new Session(r.Id, r.CreatedAt, r.LastUsedAt, r.ExpiresAt, r.UserAgent, r.Id == caller.SessionId))
            .ToList(), ct);
    }
}
