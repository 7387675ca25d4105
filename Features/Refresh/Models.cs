using FastEndpoints;
using FluentValidation;

namespace SliceAuth.Features.Refresh;

public sealed class Request
{
    /// <summary>Optional when the refresh_token cookie holds it.</summary>
    public string? RefreshToken { get; set; }

    /// <summary>`?useCookie=true`: the new refresh token goes into the HttpOnly cookie instead of the body.</summary>
    [QueryParam]
    public bool? UseCookie { get; set; }
}

public sealed class Validator : Validator<Request>
{
    public const int MaxTokenLength = 512;

    public Validator() =>
        RuleFor(r => r.RefreshToken).MaximumLength(MaxTokenLength).WithMessage("The refresh token is too long.");
}
