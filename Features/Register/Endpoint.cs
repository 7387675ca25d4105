using FastEndpoints;
using Npgsql;
using SliceAuth.Infrastructure.Accounts;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Passwords;
using SliceAuth.Infrastructure.Telemetry;

namespace SliceAuth.Features.Register;

public sealed class Endpoint(NpgsqlDataSource database, PasswordHasher hasher, AuthMetrics metrics) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post(ApiRoutes.Register);
        AllowAnonymous();
        Options(endpoint => endpoint.RequireRateLimiting(RateLimits.RegisterPolicy));
        Description(endpoint => endpoint.ProducesProblems(StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests));
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var passwordHash = await hasher.HashAsync(request.Password!, ct);
        await using var connection = await database.OpenConnectionAsync(ct);
        var user = await Data.InsertUserAsync(connection, EmailAddress.Normalise(request.Email!), passwordHash);
        if (user is null)
            ThrowError(r => r.Email, "An account with this email already exists.", StatusCodes.Status409Conflict);

        metrics.Registered();
        HttpContext.Response.Headers.Location = ApiRoutes.Me;
        await Send.ResponseAsync(new Response(user.Id, user.Email, user.CreatedAt), StatusCodes.Status201Created, ct);
    }
}
