using FastEndpoints;
using Microsoft.IdentityModel.Tokens;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Features.Jwks;

/// <summary>
/// The public keys of RS256/ES256 signing, retired ones included, so other services verify access tokens
/// without a shared secret. Under HS256 there is nothing public to publish: `{"keys": []}`.
/// </summary>
public sealed class Endpoint(SigningKeys keys) : EndpointWithoutRequest<Response>
{
    private const int CacheSeconds = 300;

    public override void Configure()
    {
        Get(ApiRoutes.Jwks);
        AllowAnonymous();
        Description(endpoint => endpoint.ProducesProblems());
    }

    public override Task HandleAsync(CancellationToken ct)
    {
        HttpContext.Response.Headers.CacheControl = $"public, max-age={CacheSeconds}";
        return Send.OkAsync(new Response(keys.Verification.Select(Publish).OfType<Jwk>().ToList()), ct);
    }

    private Jwk? Publish(SecurityKey key) => key switch
    {
        RsaSecurityKey { Rsa: { } rsa } => rsa.ExportParameters(false) is var p
            ? new Jwk("RSA", "sig", keys.Algorithm, key.KeyId, N: Base64UrlEncoder.Encode(p.Modulus), E: Base64UrlEncoder.Encode(p.Exponent))
            : null,
        ECDsaSecurityKey { ECDsa: { } ec } => ec.ExportParameters(false) is var p
            ? new Jwk("EC", "sig", keys.Algorithm, key.KeyId, Crv: "P-256", X: Base64UrlEncoder.Encode(p.Q.X), Y: Base64UrlEncoder.Encode(p.Q.Y))
            : null,
        _ => null,
    };
}
