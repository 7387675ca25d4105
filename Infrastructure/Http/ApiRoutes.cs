namespace SliceAuth.Infrastructure.Http;

/// <summary>Every route of the API, named once.</summary>
public static class ApiRoutes
{
    public const string Register = "/auth/register";
    public const string Login = "/auth/login";
    public const string Refresh = "/auth/refresh";
    public const string Logout = "/auth/logout";
    public const string Me = "/auth/me";

    /// <summary>The path the refresh cookie is scoped to: every endpoint that reads it is below it.</summary>
    public const string AuthPrefix = "/auth";
}
