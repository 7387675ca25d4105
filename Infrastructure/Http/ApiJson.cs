using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace SliceAuth.Infrastructure.Http;

/// <summary>
/// Every type the API reads or writes as JSON, with its (de)serialization code generated at build time:
/// no reflection per type at run time, which the native (ahead-of-time compiled) build requires. A slice
/// that adds a request or response type lists it here; <c>ApiJsonTests</c> fails until it does.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Features.ChangePassword.Request), TypeInfoPropertyName = "ChangePasswordRequest")]
[JsonSerializable(typeof(Features.Jwks.Response), TypeInfoPropertyName = "JwksResponse")]
[JsonSerializable(typeof(Features.Login.Request), TypeInfoPropertyName = "LoginRequest")]
[JsonSerializable(typeof(Features.Logout.Request), TypeInfoPropertyName = "LogoutRequest")]
[JsonSerializable(typeof(Features.Me.Response), TypeInfoPropertyName = "MeResponse")]
[JsonSerializable(typeof(Features.Refresh.Request), TypeInfoPropertyName = "RefreshRequest")]
[JsonSerializable(typeof(Features.Register.Request), TypeInfoPropertyName = "RegisterRequest")]
[JsonSerializable(typeof(Features.Register.Response), TypeInfoPropertyName = "RegisterResponse")]
[JsonSerializable(typeof(IReadOnlyList<Features.Sessions.Session>))]
[JsonSerializable(typeof(Tokens.TokensResponse))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(string))]
public sealed partial class ApiJson : JsonSerializerContext;

/// <summary>The body of a healthy `/health/*` answer.</summary>
public sealed record HealthBody(string Status);
