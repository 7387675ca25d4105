namespace SliceAuth.Infrastructure;

/// <summary>
/// Why the reflection the native (ahead-of-time compiled) build warns about is safe here: SliceAuth.csproj
/// keeps this assembly whole (<c>TrimmerRootAssembly</c>), so reflection over its own types (endpoint
/// discovery, options checked by their attributes, migration versions) finds every member it looks for.
/// scripts/check-native.sh runs each of these paths in the published binary.
/// </summary>
internal static class NativeBuild
{
    public const string OwnTypesKept =
        "Reflects over this assembly's own types, which the native build keeps whole (TrimmerRootAssembly); checked by scripts/check-native.sh.";
}
