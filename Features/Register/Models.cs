using FastEndpoints;
using FluentValidation;
using SliceAuth.Infrastructure.Accounts;
using SliceAuth.Infrastructure.Passwords;

namespace SliceAuth.Features.Register;

public sealed class Request
{
    public string? Email { get; set; }
    public string? Password { get; set; }
}

public sealed record Response(Guid Id, string Email, DateTime CreatedAt);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        var rules = Resolve<PasswordRules>();
        RuleFor(r => r.Email).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Email is required.")
            .Must(email => EmailAddress.IsValid(email!)).WithMessage("Email is not a valid address.");
        // Not NotEmpty(): a password of spaces is present, and gets the white-space rule's message.
        RuleFor(r => r.Password).Cascade(CascadeMode.Stop)
            .Must(password => !string.IsNullOrEmpty(password)).WithMessage("Password is required.")
            .Custom((password, context) =>
            {
                foreach (var problem in rules.Check(password!, context.InstanceToValidate.Email))
                    context.AddFailure(problem);
            });
    }
}
