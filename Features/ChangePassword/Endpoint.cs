using FastEndpoints;
using Npgsql;
using SliceAuth.Infrastructure.Database;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Passwords;
using SliceAuth.Infrastructure.Telemetry;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Features.ChangePassword;

/// <summary>
/// A new password, and every session of the user revoked with it, in one transaction: a refresh racing
/// the change either finishes before it (and its session is then revoked) or sees the revocation.
/// </summary>
public sealed class Endpoint(
    NpgsqlDataSource database,
    PasswordHasher hasher,
    PasswordRules rules,
    AuthMetrics metrics,
    TimeProvider time,
    ILogger<Endpoint> logger)
    : Endpoint<Request>
{
    public override void Configure()
    {
        Post(ApiRoutes.ChangePassword);
        Description(endpoint => endpoint.ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType));
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var caller = Caller.From(User);
        foreach (var problem in rules.Check(request.NewPassword!, caller.Email))
            AddError(r => r.NewPassword, problem);
        ThrowIfAnyErrors();

        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var currentHash = await Data.LockPasswordHashAsync(connection, transaction, caller.UserId);
        if (currentHash is null)
        {
            await Problems.WriteAsync(HttpContext, StatusCodes.Status401Unauthorized, "The account no longer exists.");
            return;
        }
        if (await hasher.VerifyAsync(request.CurrentPassword!, currentHash, ct) == PasswordVerification.Failed)
            ThrowError(r => r.CurrentPassword, "The current password is incorrect.");

        var now = time.GetUtcNow().UtcDateTime;
        await Data.SetPasswordHashAsync(connection, transaction, caller.UserId, await hasher.HashAsync(request.NewPassword!, ct), now);
        var revoked = await SessionRevocation.RevokeAllAsync(connection, caller.UserId, now, transaction);
        await transaction.CommitAsync(ct);
        metrics.SessionsRevoked(revoked, "password_change");
        logger.LogInformation("Password changed for user {UserId}; {Sessions} sessions revoked", caller.UserId, revoked);
        await Send.NoContentAsync(ct);
    }
}
