using FastEndpoints;
using Microsoft.IdentityModel.JsonWebTokens;
using SliceAuth.Infrastructure.Http;

namespace SliceAuth.Features.Me;

/// <summary>Who the access token says the caller is: read from its claims, with no database query.</summary>
public sealed class Endpoint : EndpointWithoutRequest<Response>
{
    public override void Configure() => Get(ApiRoutes.Me);

    public override Task HandleAsync(CancellationToken ct) =>
        Send.OkAsync(new Response(
            Guid.Parse(User.FindFirst(JwtRegisteredClaimNames.Sub)!.Value),
            User.FindFirst(JwtRegisteredClaimNames.Email)?.Value ?? ""), ct);
}
