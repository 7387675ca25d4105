namespace SliceAuth.Infrastructure.Http;

/// <summary>Every route of the API, named once.</summary>
public static class ApiRoutes
{
    public const string Register = "/auth/register";
    public const string Login = "/auth/login";
    public const string Refresh = "/auth/refresh";
    public const string Logout = "/auth/logout";
    public const string Me = "/auth/me";
    public const string ChangePassword = "/auth/password";
    public const string LogoutAll = "/auth/logout-all";
    public const string Sessions = "/auth/sessions";
    public const string Session = "/auth/sessions/{id}";
    public const string Jwks = "/.well-known/jwks.json";

    /// <summary>The path the refresh cookie is scoped to: every endpoint that reads it is below it.</summary>
    public const string AuthPrefix = "/auth";
}
