using System.Security.Cryptography;
using SliceAuth.Tests.Infrastructure;
using SliceAuth.Tests.Keys;

namespace SliceAuth.Tests.Features.Jwks;

/// <summary>HS256 with `Jwt:KeyId`: the shared secret gets a name that tokens carry as `kid`.</summary>
public sealed class Hs256KeyIdApi : ApiFixture
{
    public const string KeyId = "hs256-2026-12";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Jwt:KeyId"] = KeyId };
}

/// <summary>RS256 with one `Jwt:KeyFile`, written as PKCS#8 (`BEGIN PRIVATE KEY`) before the host starts.</summary>
public class Rs256Api : ApiFixture, IDisposable
{
    private readonly KeyFolder _folder = new();
    private string _keyFile = "";

    public RSA Key { get; } = RSA.Create(2048);

    protected virtual string Pem(RSA key) => key.ExportPkcs8PrivateKeyPem();

    protected override Task BeforeHostStartsAsync()
    {
        _keyFile = _folder.Write("signing.pem", Pem(Key));
        return Task.CompletedTask;
    }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jwt:Algorithm"] = "RS256",
        ["Jwt:KeyFile"] = _keyFile,
    };

    public void Dispose()
    {
        Key.Dispose();
        _folder.Dispose();
    }
}

/// <summary>The same, with the key in PKCS#1 form (`BEGIN RSA PRIVATE KEY`), as `openssl genrsa -traditional` writes it.</summary>
public sealed class Rs256Pkcs1Api : Rs256Api
{
    protected override string Pem(RSA key) => key.ExportRSAPrivateKeyPem();
}

/// <summary>ES256 with one `Jwt:KeyFile`, written in SEC1 form (`BEGIN EC PRIVATE KEY`), as `openssl ecparam -genkey` writes it.</summary>
public class Es256Api : ApiFixture, IDisposable
{
    private readonly KeyFolder _folder = new();
    private string _keyFile = "";

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    protected virtual string Pem(ECDsa key) => key.ExportECPrivateKeyPem();

    protected override Task BeforeHostStartsAsync()
    {
        _keyFile = _folder.Write("signing.pem", Pem(Key));
        return Task.CompletedTask;
    }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jwt:Algorithm"] = "ES256",
        ["Jwt:KeyFile"] = _keyFile,
    };

    public void Dispose()
    {
        Key.Dispose();
        _folder.Dispose();
    }
}

/// <summary>The same, with the key in PKCS#8 form (`BEGIN PRIVATE KEY`).</summary>
public sealed class Es256Pkcs8Api : Es256Api
{
    protected override string Pem(ECDsa key) => key.ExportPkcs8PrivateKeyPem();
}

/// <summary>
/// RS256 with `Jwt:KeysDirectory` holding a retired key and its successor, named so that the successor
/// sorts last. The successor's file is written first, so the order on disk is not the order by name.
/// </summary>
public sealed class KeysDirectoryApi : ApiFixture, IDisposable
{
    public const string OlderFile = "2026-01-01.pem";
    public const string NewerFile = "2026-12-04.pem";

    private readonly KeyFolder _folder = new();

    public RSA Older { get; } = RSA.Create(2048);
    public RSA Newer { get; } = RSA.Create(2048);

    protected override Task BeforeHostStartsAsync()
    {
        _folder.Write(NewerFile, Newer.ExportPkcs8PrivateKeyPem());
        _folder.Write(OlderFile, Older.ExportRSAPrivateKeyPem());
        return Task.CompletedTask;
    }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jwt:Algorithm"] = "RS256",
        ["Jwt:KeysDirectory"] = _folder.Path,
    };

    public void Dispose()
    {
        Older.Dispose();
        Newer.Dispose();
        _folder.Dispose();
    }
}
