using OpenTelemetry.Metrics;

namespace SliceAuth.Infrastructure.Telemetry;

public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";
    // Request durations: routes x methods x status codes x protocol versions, with room to spare.
    private const int RequestDurationPoints = 500;
    // Any other stream: outcomes, GC generations, pool states.
    private const int PointsPerStream = 100;

    /// <summary>
    /// OpenTelemetry metrics in Prometheus format: the API's, Npgsql's, the runtime's (GC, JIT, thread
    /// pool), and of ASP.NET Core's the request durations, Kestrel's connections, unhandled exceptions and
    /// rate-limiter decisions. Left out, because each costs every request an update and tells little more:
    /// active requests and route-match attempts.
    /// </summary>
    /// <remarks>
    /// Every stream has a cardinality limit far below OpenTelemetry's default of 2,000: the SDK allocates
    /// each stream's points up front, which at the default held about 6 MB of the API's 25 MB heap at
    /// start (bench/). The API's attribute sets are small and fixed (routes, status codes, outcomes);
    /// points beyond a limit would be counted together under otel.metric.overflow, not dropped.
    /// </remarks>
    public static IServiceCollection AddTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<AuthMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(AuthMetrics.MeterName, "Npgsql", "System.Runtime")
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting")
            .AddView(instrument => instrument.Name switch
            {
                "http.server.active_requests" => MetricStreamConfiguration.Drop,
                "http.server.request.duration" => new ExplicitBucketHistogramConfiguration
                {
                    Boundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
                    CardinalityLimit = RequestDurationPoints,
                },
                _ => new MetricStreamConfiguration { CardinalityLimit = PointsPerStream },
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
