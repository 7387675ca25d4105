using FastEndpoints;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Features.Me;

/// <summary>Who the access token says the caller is: read from its claims, with no database query.</summary>
public sealed class Endpoint : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get(ApiRoutes.Me);
        Description(endpoint => endpoint.ProducesProblems(StatusCodes.Status401Unauthorized));
    }

    public override Task HandleAsync(CancellationToken ct)
    {
        var caller = Caller.From(User);
        return Send.OkAsync(new Response(caller.UserId, caller.Email), ct);
    }
}
