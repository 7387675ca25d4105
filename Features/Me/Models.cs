namespace SliceAuth.Features.Me;

public sealed record Response(Guid Id, string Email);
