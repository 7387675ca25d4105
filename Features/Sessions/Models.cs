namespace SliceAuth.Features.Sessions;

public sealed record Session(Guid Id, DateTime CreatedAt, DateTime LastUsedAt, DateTime ExpiresAt, string? UserAgent, bool Current);
