using FastEndpoints;
using FluentValidation;

namespace SliceAuth.Features.Logout;

public sealed class Request
{
    /// <summary>Optional when the refresh_token cookie holds it.</summary>
    public string? RefreshToken { get; set; }
}

public sealed class Validator : Validator<Request>
{
    public const int MaxTokenLength = 512;

    public Validator() =>
        RuleFor(r => r.RefreshToken).MaximumLength(MaxTokenLength).WithMessage("The refresh token is too long.");
}
