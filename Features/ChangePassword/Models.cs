using FastEndpoints;
using FluentValidation;

namespace SliceAuth.Features.ChangePassword;

public sealed class Request
{
    public string? CurrentPassword { get; set; }
    public string? NewPassword { get; set; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.CurrentPassword).NotEmpty().WithMessage("The current password is required.");
        RuleFor(r => r.NewPassword).Must(p => !string.IsNullOrEmpty(p)).WithMessage("The new password is required.");
    }
}
