using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace SliceAuth.Infrastructure;

public static class OptionsChecks
{
    private const DynamicallyAccessedMemberTypes Checked = DynamicallyAccessedMemberTypes.PublicParameterlessConstructor
        | DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.NonPublicProperties;

    /// <summary>Checks the options' validation attributes when the API starts, so a bad setting stops it there.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = NativeBuild.OwnTypesKept)]
    public static OptionsBuilder<TOptions> CheckedAtStart<[DynamicallyAccessedMembers(Checked)] TOptions>(this OptionsBuilder<TOptions> options)
        where TOptions : class =>
        options.ValidateDataAnnotations().ValidateOnStart();
}
