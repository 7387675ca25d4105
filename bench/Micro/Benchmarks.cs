using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SliceAuth.Infrastructure.Passwords;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Bench.Micro;

/// <summary>
/// The API's own token services, wired as in production: HS256 with a 48-byte key, the app's
/// JwtBearerSetup (same TokenValidationParameters and events), the system clock.
/// </summary>
internal static class Api
{
    public static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment
        {
            EnvironmentName = Environments.Production,
            ApplicationName = "SliceAuth",
            ContentRootPath = AppContext.BaseDirectory,
        });
        services.AddOptions<JwtOptions>().Configure(o => o.SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<TokenIssuer>();
        services.AddJwtBearerAuthentication();
        return services.BuildServiceProvider();
    }
}

[MemoryDiagnoser]
public class AccessTokens
{
    private readonly Guid _user = Guid.NewGuid();
    private readonly Guid _session = Guid.NewGuid();
    private ServiceProvider _services = null!;
    private TokenIssuer _issuer = null!;
    private TokenValidationParameters _parameters = null!;
    private readonly JsonWebTokenHandler _handler = new();
    private string _token = "";
    private string _authorization = "";

    [GlobalSetup]
    public void Setup()
    {
        _services = Api.Services();
        _issuer = _services.GetRequiredService<TokenIssuer>();
        _parameters = _services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>()
            .Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        _token = _issuer.CreateAccessToken(_user, "ada@example.com", _session);
        _authorization = "Bearer " + _token;
        if (!VerifyToken().GetAwaiter().GetResult().IsValid || !AuthenticateRequest().GetAwaiter().GetResult().Succeeded)
            throw new InvalidOperationException("the token does not verify");
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>TokenIssuer.CreateAccessToken: an HS256 JWT with the API's claims.</summary>
    [Benchmark]
    public string IssueAccessToken() => _issuer.CreateAccessToken(_user, "ada@example.com", _session);

    /// <summary>JsonWebTokenHandler.ValidateTokenAsync with the API's TokenValidationParameters.</summary>
    [Benchmark]
    public Task<TokenValidationResult> VerifyToken() => _handler.ValidateTokenAsync(_token, _parameters);

    /// <summary>
    /// What GET /auth/me pays to authenticate: the API's authentication service on a request carrying
    /// the token, in a fresh request scope as ASP.NET Core gives each request. The same token every
    /// time, as a client sends it: after the first, the token is remembered (lifetime re-checked) and
    /// the request is authenticated from that memory, with its caller read once; so this is the
    /// repeat-request cost.
    /// </summary>
    [Benchmark]
    public async Task<AuthenticateResult> AuthenticateRequest()
    {
        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = _authorization;
        return await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
    }
}

/// <summary>The parts of <see cref="AccessTokens.AuthenticateRequest"/>, to tell where its time goes.</summary>
[MemoryDiagnoser]
public class AuthenticationParts
{
    private ServiceProvider _services = null!;

    [GlobalSetup]
    public void Setup() => _services = Api.Services();

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>The request scope and context alone.</summary>
    [Benchmark]
    public async Task<HttpContext> ScopeAndContext()
    {
        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        return context;
    }

    /// <summary>The JwtBearer handler on a request without a token (NoResult): its fixed cost.</summary>
    [Benchmark]
    public async Task<AuthenticateResult> AuthenticateWithoutToken()
    {
        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        return await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
    }
}

[MemoryDiagnoser]
public class RefreshTokens
{
    private ServiceProvider _services = null!;
    private TokenIssuer _issuer = null!;
    private string _value = "";

    [GlobalSetup]
    public void Setup()
    {
        _services = Api.Services();
        _issuer = _services.GetRequiredService<TokenIssuer>();
        _value = _issuer.CreateRefreshToken().Value;
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>256 random bits, base64url, its SHA-256 and expiry: what login and every refresh mint.</summary>
    [Benchmark]
    public RefreshToken CreateRefreshToken() => _issuer.CreateRefreshToken();

    /// <summary>SHA-256 of a presented token: the lookup key of every refresh and logout.</summary>
    [Benchmark]
    public byte[] HashRefreshToken() => TokenIssuer.HashRefreshToken(_value);
}

[MemoryDiagnoser]
public class Passwords
{
    private const string Password = "bench-Password-Chain-42";
    private readonly PasswordHasher _hasher = new(Options.Create(new PasswordOptions()));
    private string _stored = "";

    [GlobalSetup]
    public void Setup() => _stored = _hasher.Hash(Password);

    /// <summary>PasswordHasher.Hash: Argon2id m=19456 KiB, t=2, p=1 (register, password change).</summary>
    [Benchmark]
    public string HashPassword() => _hasher.Hash(Password);

    /// <summary>PasswordHasher.Verify of an Argon2id hash at the same cost (login).</summary>
    [Benchmark]
    public PasswordVerification VerifyPassword() => _hasher.Verify(Password, _stored);
}
