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

    public static string TraceId(HttpContext context) => Activity.Current?.Id ?? context.TraceIdentifier;

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
        app.UseStatusCodePages(context => context.HttpContext.Response.HasStarted || context.HttpContext.Response.ContentLength > 0
            ? Task.CompletedTask
            : WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode));
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
