using System.Diagnostics;
using System.Text.Json;
using FluentValidation.Results;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;

namespace SliceAuth.Infrastructure.Http;

/// <summary>
/// Every error is RFC 9457 problem+json with a top-level traceId: the framework's validation failures,
/// the authentication middleware's 401s, routing's 404/405/415 and unhandled exceptions alike.
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";
    public const string BodyField = "body";
    public const int DatabaseRetryAfterSeconds = 5;

    /// <summary>
    /// The request's W3C trace-context id: the running Activity's when there is one; otherwise a new span
    /// in the caller's trace (its `traceparent`) or in a new trace, the id ASP.NET Core's request Activity
    /// would have had. That Activity is not started while its log category is off (appsettings.json),
    /// and an error is the only place the id is shown.
    /// </summary>
    public static string TraceId(HttpContext context)
    {
        if (Activity.Current?.Id is { } id)
            return id;
        var headers = context.Request.Headers;
        var caller = ActivityContext.TryParse(headers.TraceParent, headers.TraceState, isRemote: true, out var parent) ? parent : default;
        var trace = caller.TraceId == default ? ActivityTraceId.CreateRandom() : caller.TraceId;
        var flags = caller.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00";
        return $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-{flags}";
    }

    public static async Task WriteAsync(HttpContext context, int status, string? detail = null)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = ReasonPhrases.GetReasonPhrase(status),
            Detail = detail,
            Extensions = { ["traceId"] = TraceId(context) },
        };
        await context.Response.WriteAsJsonAsync(problem, ApiJson.Default.ProblemDetails, ContentType);
    }

    /// <summary>The shape of ASP.NET Core's ValidationProblemDetails: a map from camelCase field to messages.</summary>
    public static object Validation(List<ValidationFailure> failures, HttpContext context, int status) =>
        new HttpValidationProblemDetails(failures
            .GroupBy(f => JsonNamingPolicy.CamelCase.ConvertName(f.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).Distinct().ToArray()))
        {
            Status = status,
            Title = status == StatusCodes.Status400BadRequest
                ? "One or more validation errors occurred."
                : ReasonPhrases.GetReasonPhrase(status),
            Extensions = { ["traceId"] = TraceId(context) },
        };

    /// <summary>
    /// A body that does not parse is reported under `body`; a field of the wrong type under its name.
    /// The serializer's own message is not echoed back.
    /// </summary>
    public static ValidationFailure JsonFailure(JsonException exception)
    {
        var field = exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal)
                    && exception.InnerException is InvalidOperationException or FormatException
            ? path[2..]
            : null;
        return field is null
            ? new ValidationFailure(BodyField, "The request body is not valid JSON of the expected shape.")
            : new ValidationFailure(field, "The value is not of the expected type.");
    }

    public static WebApplication UseProblems(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = HandleExceptionAsync });
        app.UseMiddleware<EmptyErrorResponses>();
        return app;
    }

    private static async Task HandleExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        switch (exception)
        {
            case BadHttpRequestException bad:
                await WriteAsync(context, bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"The request body is larger than {RequestLimits.MaxBodyBytes} bytes."
                    : "The request could not be read.");
                break;
            // Only failures that retrying can cure (unreachable server, connection lost, timeouts, the pool
            // exhausted) are 503s; a permanent SQL error is a bug, and answers 500.
            case NpgsqlException { IsTransient: true } or TimeoutException or InvalidOperationException { InnerException: NpgsqlException { IsTransient: true } }:
                context.Response.Headers.RetryAfter = DatabaseRetryAfterSeconds.ToString();
                await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The database is unavailable; try again shortly.");
                break;
            default:
                await WriteAsync(context, StatusCodes.Status500InternalServerError, "An unexpected error occurred.");
                break;
        }
    }
}
