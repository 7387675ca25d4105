using FastEndpoints;
using FluentValidation;

namespace SliceAuth.Features.Login;

public sealed class Request
{
    public string? Email { get; set; }
    public string? Password { get; set; }

    /// <summary>`?useCookie=true`: the refresh token goes into the HttpOnly cookie instead of the body.</summary>
    [QueryParam]
    public bool? UseCookie { get; set; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Email).NotEmpty().WithMessage("Email is required.");
        RuleFor(r => r.Password).NotEmpty().WithMessage("Password is required.");
    }
}
