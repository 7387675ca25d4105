using OpenTelemetry.Metrics;

namespace SliceAuth.Infrastructure.Telemetry;

public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    /// <summary>OpenTelemetry metrics (the API's, ASP.NET Core's, Kestrel's and Npgsql's) in Prometheus format.</summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<AuthMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(AuthMetrics.MeterName, "Npgsql")
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return services;
    }

    public static WebApplication MapTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}
