using OpenTelemetry.Metrics;

namespace SliceAuth.Infrastructure.Telemetry;

public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// OpenTelemetry metrics in Prometheus format: the API's, Npgsql's, the runtime's (GC, JIT, thread
    /// pool), and of ASP.NET Core's the request durations, Kestrel's connections, unhandled exceptions and
    /// rate-limiter decisions. Left out, because each costs every request an update and tells little more:
    /// active requests and route-match attempts.
    /// </summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<AuthMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(AuthMetrics.MeterName, "Npgsql", "System.Runtime")
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting")
            .AddView("http.server.active_requests", MetricStreamConfiguration.Drop)
            .AddView("http.server.request.duration", new ExplicitBucketHistogramConfiguration
            {
                Boundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
            })
            .AddPrometheusExporter());
        return services;
    }

    public static WebApplication MapTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}
