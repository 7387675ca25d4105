using FastEndpoints.Swagger;

namespace SliceAuth.Infrastructure.Http;

/// <summary>
/// The OpenAPI document at /swagger/v1/swagger.json, always (clients generate code from it), and the
/// Swagger UI at /swagger in Development or when `OpenApi:Ui` is true.
/// </summary>
public static class OpenApi
{
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
        app.UseOpenApi();
        if (app.Configuration.GetValue("OpenApi:Ui", app.Environment.IsDevelopment()))
            app.UseSwaggerUi();
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
