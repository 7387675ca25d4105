using FastEndpoints;
using Npgsql;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Telemetry;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Features.Logout;

public sealed class Endpoint(NpgsqlDataSource database, AuthMetrics metrics, TimeProvider time) : Endpoint<Request>
{
    public override void Configure()
    {
        Post(ApiRoutes.Logout);
        AllowAnonymous();
        Description(endpoint => endpoint.ProducesProblems(StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType));
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var presented = RefreshCookie.Presented(HttpContext, request.RefreshToken);
        RefreshCookie.Clear(HttpContext);
        if (presented is null)
            ThrowError(r => r.RefreshToken!, "A refresh token is required, in the body or in the refresh_token cookie.");

        await using var connection = await database.OpenConnectionAsync(ct);
        // The same 204 whether or not the token was live: logout cannot be used to probe tokens.
        var revoked = await Data.RevokeSessionAsync(connection, TokenIssuer.HashRefreshToken(presented), time.GetUtcNow().UtcDateTime);
        metrics.SessionsRevoked(revoked, "logout");
        await Send.NoContentAsync(ct);
    }
}
