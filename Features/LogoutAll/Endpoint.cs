using FastEndpoints;
using Npgsql;
using SliceAuth.Infrastructure.Database;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Telemetry;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Features.LogoutAll;

/// <summary>Ends every session of the caller. Access tokens already issued live out their 15 minutes.</summary>
public sealed class Endpoint(NpgsqlDataSource database, AuthMetrics metrics, TimeProvider time) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post(ApiRoutes.LogoutAll);
        Description(endpoint => endpoint.ProducesProblems(StatusCodes.Status401Unauthorized));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var revoked = await SessionRevocation.RevokeAllAsync(connection, Caller.From(User).UserId, time.GetUtcNow().UtcDateTime);
        metrics.SessionsRevoked(revoked, "logout_all");
        RefreshCookie.Clear(HttpContext);
        await Send.NoContentAsync(ct);
    }
}
