using System.Diagnostics;
using System.Security.Cryptography;

namespace SliceAuth.Tests.Keys;

/// <summary>
/// Outside Development the built API refuses to start, naming the setting, when its signing key or its
/// database is not configured usably. Each case runs the real executable as a separate process.
/// </summary>
public sealed class StartupValidationTests : IDisposable
{
    private const string UnreachableDatabase = "Host=/nonexistent;Database=x";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The API as built beside this test run: bin/{Configuration}/{TargetFramework}/SliceAuth.dll of the project.</summary>
    private static readonly string ApiAssembly = FindApiAssembly();

    private readonly KeyFolder _keys = new();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("@@@")]
    [InlineData("AAECAwQFBgcICQoLDA0ODw==")] // 16 bytes
    [InlineData("yMnKy8zNzs_Q0dLT1NXW19jZ2tvc3d7f4OHi4-Tl5g")] // 31 bytes, URL-safe
    public async Task hs256_without_a_usable_signing_key_refuses_to_start(string? signingKey)
    {
        var (exitCode, output) = await StartApiAsync(new()
        {
            ["ConnectionStrings__Postgres"] = UnreachableDatabase,
            ["Jwt__SigningKey"] = signingKey,
        });

        Assert.NotEqual(0, exitCode);
        AssertNamesSetting(output, "Jwt:SigningKey");
        if (!string.IsNullOrEmpty(signingKey))
            Assert.DoesNotContain(signingKey, output);
    }

    [Fact]
    public async Task a_url_safe_signing_key_of_32_bytes_passes_the_key_check()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        secret[0] = 0xFB; // the first characters are "-_" in the URL-safe alphabet
        secret[1] = 0xFF;
        var (exitCode, output) = await StartApiAsync(new()
        {
            ["ConnectionStrings__Postgres"] = UnreachableDatabase,
            ["Jwt__SigningKey"] = TestKeys.Base64UrlOf(secret),
        });

        Assert.NotEqual(0, exitCode); // the database is unreachable, so it still cannot run
        Assert.DoesNotContain("Jwt:", output);
    }

    [Theory]
    [InlineData("RS256", "missing")]
    [InlineData("RS256", "garbage")]
    [InlineData("RS256", "rsa-1024")]
    [InlineData("RS256", "ec-p256")]
    [InlineData("RS256", "unset")]
    [InlineData("ES256", "missing")]
    [InlineData("ES256", "garbage")]
    [InlineData("ES256", "rsa-2048")]
    public async Task an_unusable_key_file_refuses_to_start(string algorithm, string keyFile)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = UnreachableDatabase,
            ["Jwt__Algorithm"] = algorithm,
        };
        if (keyFile != "unset")
            environment["Jwt__KeyFile"] = keyFile switch
            {
                "missing" => Path.Combine(_keys.Path, "absent.pem"),
                "garbage" => _keys.Write("garbage.pem", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"),
                "rsa-1024" => _keys.Write("weak.pem", RsaPem(1024)),
                "rsa-2048" => _keys.Write("rsa.pem", RsaPem(2048)),
                _ => _keys.Write("ec.pem", EcPem()),
            };

        var (exitCode, output) = await StartApiAsync(environment);

        Assert.NotEqual(0, exitCode);
        AssertNamesSetting(output, "Jwt:KeyFile");
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task a_usable_key_file_passes_the_key_check(string algorithm)
    {
        var (exitCode, output) = await StartApiAsync(new()
        {
            ["ConnectionStrings__Postgres"] = UnreachableDatabase,
            ["Jwt__Algorithm"] = algorithm,
            ["Jwt__KeyFile"] = _keys.Write("signing.pem", algorithm == "RS256" ? RsaPem(2048) : EcPem()),
        });

        Assert.NotEqual(0, exitCode); // the database is unreachable, so it still cannot run
        Assert.DoesNotContain("Jwt:", output);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task without_a_connection_string_it_refuses_to_start(string? connectionString)
    {
        var (exitCode, output) = await StartApiAsync(new()
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Jwt__SigningKey"] = TestKeys.Base64UrlOf(RandomNumberGenerator.GetBytes(48)),
        });

        Assert.NotEqual(0, exitCode);
        AssertNamesSetting(output, "ConnectionStrings:Postgres");
    }

    public void Dispose() => _keys.Dispose();

    private static string RsaPem(int bits)
    {
        using var rsa = RSA.Create(bits);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static string EcPem()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ec.ExportECPrivateKeyPem();
    }

    private static void AssertNamesSetting(string output, string setting) =>
        Assert.True(output.Split('\n').Any(line => line.Contains(setting, StringComparison.Ordinal)),
            $"no line of the output names {setting}:\n{output}");

    /// <summary>
    /// Runs the built API in Production with only the given settings (null: not set at all) and returns
    /// its exit code and everything it wrote.
    /// </summary>
    private static async Task<(int ExitCode, string Output)> StartApiAsync(Dictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ApiAssembly)!,
        };
        start.ArgumentList.Add(ApiAssembly);
        string[] inherited = ["jwt__", "connectionstrings__", "passwords__", "ratelimits__", "aspnetcore_", "dotnet_environment"];
        foreach (var name in start.Environment.Keys.Where(k => inherited.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
            start.Environment.Remove(name);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (name, value) in settings.Where(s => s.Value is not null))
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the API neither started nor refused within {ProcessTimeout.TotalSeconds} s:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, $"{await stdout}\n{await stderr}");
    }

    private static string FindApiAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SliceAuth.csproj")))
            {
                var assembly = Path.Combine(directory.FullName, "bin", configuration, framework, "SliceAuth.dll");
                return File.Exists(assembly) ? assembly : throw new FileNotFoundException("The API is not built.", assembly);
            }
        }
        throw new DirectoryNotFoundException($"No SliceAuth.csproj above {output.FullName}.");
    }
}
