using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using SliceAuth.Infrastructure;
using SliceAuth.Infrastructure.Database;
using SliceAuth.Infrastructure.Http;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddSliceAuth();

    var app = builder.Build();
    app.UseSliceAuth();

    // `SliceAuth openapi FILE`: write the OpenAPI document and exit, before touching the database. The
    // native build, which cannot generate the document, serves the file its publish wrote this way; the
    // check also leaves the generator out of the native executable.
    if (args is ["openapi", var documentFile] && RuntimeFeature.IsDynamicCodeSupported)
    {
        await app.WriteOpenApiDocumentAsync(documentFile);
        return 0;
    }

    await app.PrepareAsync();

    // `dotnet run -- migrate`: apply the migrations and exit.
    if (args is ["migrate", ..])
    {
        app.Services.GetService<EmbeddedPostgres>()?.Stop();
        return 0;
    }

    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is StartupFailure or OptionsValidationException)
{
    Console.Error.WriteLine($"SliceAuth cannot start: {e.Message}");
    return 1;
}

public partial class Program;
