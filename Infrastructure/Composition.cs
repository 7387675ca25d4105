using System.Diagnostics.CodeAnalysis;
using FastEndpoints;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SliceAuth.Infrastructure.Database;
using SliceAuth.Infrastructure.Http;
using SliceAuth.Infrastructure.Passwords;
using SliceAuth.Infrastructure.Telemetry;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Infrastructure;

/// <summary>What the slices share, registered once; a new slice needs nothing here.</summary>
public static class Composition
{
    public static WebApplicationBuilder AddSliceAuth(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);
        builder.AddDatabase();

        var services = builder.Services;
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).CheckedAtStart();
        services.AddSingleton<IValidateOptions<JwtOptions>, ValidateJwtOptions>();
        services.AddOptions<PasswordOptions>().BindConfiguration(PasswordOptions.Section).CheckedAtStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<CommonPasswords>();
        services.AddSingleton<PasswordRules>();
        services.AddJwtBearerAuthentication();
        services.AddOptions<CleanupOptions>().BindConfiguration(CleanupOptions.Section).CheckedAtStart();
        services.AddSingleton<ExpiredTokenCleanup>();
        services.AddHostedService(provider => provider.GetRequiredService<ExpiredTokenCleanup>());
        services.AddOptions<MemoryOptions>().BindConfiguration(MemoryOptions.Section).CheckedAtStart();
        services.AddHostedService<IdleMemoryTrim>();
        services.AddTelemetry();
        services.AddTrustedProxies(builder.Configuration);
        services.AddRateLimits();
        services.AddDatabaseHealth();
        services.AddSliceEndpoints();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Default));
        services.AddOpenApiDocument();
        return builder;
    }

    /// <summary>Endpoints and validators are found in this assembly only (the native build cannot scan them all).</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = NativeBuild.OwnTypesKept)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = NativeBuild.OwnTypesKept)]
    private static IServiceCollection AddSliceEndpoints(this IServiceCollection services) =>
        services.AddFastEndpoints(discovery =>
        {
            discovery.DisableAutoDiscovery = true;
            discovery.Assemblies = [typeof(Composition).Assembly];
        });

    public static WebApplication UseSliceAuth(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseProblems();
        app.UseRequestLimits();
        app.UseJsonBodies();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapDatabaseHealth();
        app.MapTelemetry();
        app.UseFastEndpoints(config =>
        {
            config.Errors.ResponseBuilder = Problems.Validation;
            config.Errors.ProducesMetadataType = typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails);
            config.Binding.JsonExceptionTransformer = Problems.JsonFailure;
            config.Serializer.ResponseSerializer = ResponseWriter.For(config.Serializer.Options);
            // `?useCookie=true`: FastEndpoints' own parser finds bool.TryParse by reflection, which the
            // native build trims; this one is plain code in every build.
            config.Binding.ValueParserFor<bool?>(input => new(bool.TryParse(input.ToString(), out var flag), flag));
            config.Endpoints.Configurator = EndpointDispatch.Apply;
        });
        app.UseOpenApiDocument();
        return app;
    }

    /// <summary>
    /// Everything that can fail at start-up fails here, before the API listens: settings, keys, the
    /// database and its migrations. Also loads what the first requests would otherwise pay for.
    /// </summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<IOptions<JwtOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<PasswordOptions>>().Value;
        _ = app.Services.GetRequiredService<SigningKeys>();
        _ = app.Services.GetRequiredService<CommonPasswords>();
        _ = app.Services.GetRequiredService<PasswordHasher>();
        await app.Services.MigrateDatabaseAsync();
    }
}
