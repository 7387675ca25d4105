using FastEndpoints;
using Npgsql;
using SliceAuth.Infrastructure.Accounts;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Passwords;
using SliceAuth.Infrastructure.Telemetry;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Features.Login;

public sealed class Endpoint(
    NpgsqlDataSource database,
    PasswordHasher hasher,
    TokenIssuer issuer,
    LoginAttemptsPerEmail attempts,
    AuthMetrics metrics,
    TimeProvider time,
    ILogger<Endpoint> logger)
    : Endpoint<Request, TokensResponse>
{
    private const int MaxUserAgentLength = 256;

    public override void Configure()
    {
        Post(ApiRoutes.Login);
        AllowAnonymous();
        Options(endpoint => endpoint.RequireRateLimiting(RateLimits.LoginPolicy));
        Description(endpoint => endpoint.ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests));
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var email = EmailAddress.Normalise(request.Email!);
        if (attempts.TryAttempt(email) is { } retryAfter)
        {
            metrics.LoggedIn("rate_limited");
            await RateLimits.RejectAsync(HttpContext, retryAfter);
            return;
        }

        await using var connection = await database.OpenConnectionAsync(ct);
        var user = await Data.FindUserAsync(connection, email);
        if (user is null)
        {
            // An unknown email pays for one hash too, so timing does not tell which emails have accounts.
            await hasher.VerifyAgainstDummyAsync(request.Password!, ct);
            await RejectAsync(email);
            return;
        }

        var verification = await hasher.VerifyAsync(request.Password!, user.PasswordHash, ct);
        if (verification == PasswordVerification.Failed)
        {
            await RejectAsync(email);
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (verification == PasswordVerification.SucceededNeedsRehash)
            await Data.UpgradePasswordHashAsync(connection, user.Id, user.PasswordHash, await hasher.HashAsync(request.Password!, ct), now);

        var refreshToken = issuer.CreateRefreshToken();
        var userAgent = HttpContext.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent
            ? agent[..Math.Min(agent.Length, MaxUserAgentLength)]
            : null;
        var sessionId = await Data.OpenSessionAsync(connection, user.Id, refreshToken.Hash, now, refreshToken.ExpiresAt, userAgent);
        metrics.LoggedIn("success");
        await Send.OkAsync(TokensResponse.For(HttpContext, issuer, user.Id, user.Email, sessionId, refreshToken, request.UseCookie == true), ct);
    }

    // One body for an unknown email and a wrong password alike.
    private Task RejectAsync(string email)
    {
        metrics.LoggedIn("failure");
        logger.LogWarning("Login failed for {Email}", email);
        return Problems.WriteAsync(HttpContext, StatusCodes.Status401Unauthorized, "The email or password is incorrect.");
    }
}
