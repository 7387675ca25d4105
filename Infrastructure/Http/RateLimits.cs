using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace SliceAuth.Infrastructure.Http;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = NativeBuild.OwnTypesKept)]

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    [Range(1, int.MaxValue)]
    public int LoginPerIp { get; set; } = 10;

    [Range(1, int.MaxValue)]
    public int RegisterPerIp { get; set; } = 5;

    [Range(1, int.MaxValue)]
    public int RefreshPerIp { get; set; } = 60;

    [Range(1, int.MaxValue)]
    public int LoginPerEmail { get; set; } = 5;
}

/// <summary>
/// Fixed-window limits per client IP (ASP.NET Core's rate limiter, as endpoint policies) and, for login,
/// per normalised email (checked in the login slice, where the email is known). Over a limit: 429
/// problem+json with Retry-After.
/// </summary>
public static class RateLimits
{
    public const string LoginPolicy = "login";
    public const string RegisterPolicy = "register";
    public const string RefreshPolicy = "refresh";

    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).CheckedAtStart();
        services.AddSingleton<LoginAttemptsPerEmail>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, options) =>
        {
            var limits = options.Value;
            limiter.AddPolicy(LoginPolicy, context => PerIp(context, limits, limits.LoginPerIp));
            limiter.AddPolicy(RegisterPolicy, context => PerIp(context, limits, limits.RegisterPerIp));
            limiter.AddPolicy(RefreshPolicy, context => PerIp(context, limits, limits.RefreshPerIp));
            limiter.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limits.Window;
                return new ValueTask(RejectAsync(rejected.HttpContext, retryAfter));
            };
        });
        return services;
    }

    public static Task RejectAsync(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests: try again later.");
    }

    private static RateLimitPartition<string> PerIp(HttpContext context, RateLimitOptions limits, int permits) =>
        limits.Enabled
            ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = limits.Window, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter("off");
}

/// <summary>Login attempts per normalised email, successful or not, so one account cannot be guessed at from many IPs.</summary>
public sealed class LoginAttemptsPerEmail(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(email =>
        options.Value.Enabled
            ? RateLimitPartition.GetFixedWindowLimiter(email, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.Value.LoginPerEmail,
                Window = options.Value.Window,
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter("off"));

    /// <summary>Null when the attempt may go ahead; otherwise how long to wait.</summary>
    public TimeSpan? TryAttempt(string normalisedEmail)
    {
        using var lease = _limiter.AttemptAcquire(normalisedEmail.ToLowerInvariant());
        if (lease.IsAcquired)
            return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.Value.Window;
    }

    public void Dispose() => _limiter.Dispose();
}
