using FastEndpoints;
using Npgsql;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Telemetry;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Features.RevokeSession;

/// <summary>
/// Ends one of the caller's sessions, the current one included. An unknown id, a malformed one and
/// another user's session all answer 404, so ids cannot be probed.
/// </summary>
public sealed class Endpoint(NpgsqlDataSource database, AuthMetrics metrics, TimeProvider time) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Delete(ApiRoutes.Session);
        Description(endpoint => endpoint.ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (Guid.TryParse(Route<string>("id"), out var sessionId))
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            if (await Data.RevokeAsync(connection, Caller.From(User).UserId, sessionId, time.GetUtcNow().UtcDateTime) > 0)
            {
                metrics.SessionsRevoked(1, "deleted_by_user");
                await Send.NoContentAsync(ct);
                return;
            }
        }
        await Problems.WriteAsync(HttpContext, StatusCodes.Status404NotFound, "You have no live session with this id.");
    }
}
