using System.Runtime.CompilerServices;
using FastEndpoints.Swagger;
using NSwag.Generation;

namespace SliceAuth.Infrastructure.Http;

/// <summary>
/// The OpenAPI document at /swagger/v1/swagger.json, always (clients generate code from it), and the
/// Swagger UI at /swagger in Development or when `OpenApi:Ui` is true.
/// </summary>
/// <remarks>
/// FastEndpoints generates the document only on the JIT. The native build serves the same document as a
/// file: its publish runs the JIT build once with `openapi FILE` (SliceAuth.csproj) and ships the file
/// beside the executable, which refuses to start without it.
/// </remarks>
public static class OpenApi
{
    public const string DocumentPath = "/swagger/v1/swagger.json";
    public const string DocumentFile = "swagger.json";

    public static IServiceCollection AddOpenApiDocument(this IServiceCollection services) =>
        services.SwaggerDocument(document =>
        {
            // Every slice names its types Request and Response: full names keep the schemas apart.
            document.ShortSchemaNames = false;
            document.DocumentSettings = settings =>
            {
                settings.DocumentName = "v1";
                settings.Title = "SliceAuth";
                settings.Version = "v1";
            };
        });

    public static WebApplication UseOpenApiDocument(this WebApplication app)
    {
        if (!RuntimeFeature.IsDynamicCodeSupported)
            return app.ServeWrittenDocument();
        app.UseOpenApi();
        if (app.Configuration.GetValue("OpenApi:Ui", app.Environment.IsDevelopment()))
            app.UseSwaggerUi();
        return app;
    }

    /// <summary>Writes the document the JIT build serves; the endpoints are only routed once the app has started.</summary>
    public static async Task WriteOpenApiDocumentAsync(this WebApplication app, string file)
    {
        await app.StartAsync();
        try
        {
            var document = await app.Services.GetRequiredService<IOpenApiDocumentGenerator>().GenerateAsync("v1");
            await File.WriteAllTextAsync(file, document.ToJson());
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static WebApplication ServeWrittenDocument(this WebApplication app)
    {
        var file = Path.Combine(AppContext.BaseDirectory, DocumentFile);
        if (!File.Exists(file))
            throw new StartupFailure($"The OpenAPI document {file} is missing: publish writes it beside the executable.");
        var document = File.ReadAllBytes(file);
        app.MapGet(DocumentPath, (RequestDelegate)(context =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            return context.Response.Body.WriteAsync(document).AsTask();
        }));
        return app;
    }

    /// <summary>Documents the problem responses an endpoint gives besides 400, and the 500/503 every endpoint can give.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses.Append(StatusCodes.Status500InternalServerError).Append(StatusCodes.Status503ServiceUnavailable))
            builder.ProducesProblem(status, Problems.ContentType);
        return builder;
    }
}
