using FastEndpoints;
using Microsoft.Extensions.Options;
using Npgsql;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Telemetry;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Features.Refresh;

public sealed class Endpoint(
    NpgsqlDataSource database,
    TokenIssuer issuer,
    IOptions<JwtOptions> options,
    AuthMetrics metrics,
    TimeProvider time,
    ILogger<Endpoint> logger)
    : Endpoint<Request, TokensResponse>
{
    public override void Configure()
    {
        Post(ApiRoutes.Refresh);
        AllowAnonymous();
        Options(endpoint => endpoint.RequireRateLimiting(RateLimits.RefreshPolicy));
        Description(endpoint => endpoint.ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests));
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var presented = RefreshCookie.Presented(HttpContext, request.RefreshToken);
        if (presented is null)
            ThrowError(r => r.RefreshToken!, "A refresh token is required, in the body or in the refresh_token cookie.");

        var tokenHash = TokenIssuer.HashRefreshToken(presented);
        var next = issuer.CreateRefreshToken();
        var now = time.GetUtcNow().UtcDateTime;
        var grace = options.Value.RefreshReuseGrace;
        await using var connection = await database.OpenConnectionAsync(ct);

        var issued = await Data.RotateAsync(connection, tokenHash, next.Hash, now, next.ExpiresAt);
        var outcome = "rotated";
        if (issued is null && grace > TimeSpan.Zero)
        {
            issued = await Data.IssueSiblingAsync(connection, tokenHash, next.Hash, now, next.ExpiresAt, now - grace);
            outcome = "grace";
        }
        if (issued is null)
        {
            if (await Data.RevokeReusedFamilyAsync(connection, tokenHash, now) is { } sessionId)
            {
                outcome = "reuse_detected";
                metrics.SessionsRevoked(1, outcome);
                logger.LogWarning("Refresh token reuse detected: session {SessionId} revoked", sessionId);
            }
            else
            {
                outcome = await Data.RejectionReasonAsync(connection, tokenHash, now) ?? "unknown";
            }
            metrics.Refreshed(outcome);
            await Problems.WriteAsync(HttpContext, StatusCodes.Status401Unauthorized, "The refresh token is invalid, expired or revoked.");
            return;
        }

        metrics.Refreshed(outcome);

        await Send.OkAsync(TokensResponse.For(HttpContext, issuer, issued.UserId, issued.Email, issued.SessionId, next, request.UseCookie == true), ct);
    }
}
