using FastEndpoints;
using Microsoft.Extensions.Options;
using Npgsql;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Features.Refresh;

public sealed class Endpoint(NpgsqlDataSource database, TokenIssuer issuer, IOptions<JwtOptions> options, TimeProvider time)
    : Endpoint<Request, TokensResponse>
{
    public override void Configure()
    {
        Post(ApiRoutes.Refresh);
        AllowAnonymous();
        Options(endpoint => endpoint.RequireRateLimiting(RateLimits.RefreshPolicy));
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var presented = string.IsNullOrEmpty(request.RefreshToken) ? RefreshCookie.Read(HttpContext) : request.RefreshToken;
        if (presented is null)
            ThrowError(r => r.RefreshToken!, "A refresh token is required, in the body or in the refresh_token cookie.");

        var tokenHash = TokenIssuer.HashRefreshToken(presented);
        var next = issuer.CreateRefreshToken();
        var now = time.GetUtcNow().UtcDateTime;
        var grace = options.Value.RefreshReuseGrace;
        await using var connection = await database.OpenConnectionAsync(ct);

        var issued = await Data.RotateAsync(connection, tokenHash, next.Hash, now, next.ExpiresAt);
        if (issued is null && grace > TimeSpan.Zero)
            issued = await Data.IssueSiblingAsync(connection, tokenHash, next.Hash, now, next.ExpiresAt, now - grace);
        if (issued is null)
        {
            await Data.RevokeReusedFamilyAsync(connection, tokenHash, now);
            await Problems.WriteAsync(HttpContext, StatusCodes.Status401Unauthorized, "The refresh token is invalid, expired or revoked.");
            return;
        }

        await Send.OkAsync(TokensResponse.For(HttpContext, issuer, issued.UserId, issued.Email, issued.SessionId, next, request.UseCookie == true), ct);
    }
}
