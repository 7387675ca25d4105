using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SliceAuth.Tests.Keys;

/// <summary>A throwaway folder of PEM key files, deleted with the fixture or test that made it.</summary>
public sealed class KeyFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sliceauth-keys-").FullName;

    /// <summary>Writes one file and returns its full path.</summary>
    public string Write(string fileName, string content)
    {
        var path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// RFC 7638 thumbprints computed here, from the key itself, so a test does not take the API's word
/// (or Microsoft.IdentityModel's) for what a key's `kid` must be.
/// </summary>
public static class TestKeys
{
    public static string Base64UrlOf(byte[] bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>SHA-256 over {"e","kty","n"} in lexicographic order, no white space, base64url.</summary>
    public static string Thumbprint(RSA rsa)
    {
        var p = rsa.ExportParameters(false);
        return Hash($"{{\"e\":\"{Base64UrlOf(p.Exponent!)}\",\"kty\":\"RSA\",\"n\":\"{Base64UrlOf(p.Modulus!)}\"}}");
    }

    /// <summary>SHA-256 over {"crv","kty","x","y"} in lexicographic order, no white space, base64url.</summary>
    public static string Thumbprint(ECDsa ec)
    {
        var p = ec.ExportParameters(false);
        return Hash($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64UrlOf(p.Q.X!)}\",\"y\":\"{Base64UrlOf(p.Q.Y!)}\"}}");
    }

    private static string Hash(string canonicalJwk) => Base64UrlOf(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJwk)));
}
