using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SliceAuth.Tests.Infrastructure;

namespace SliceAuth.Tests.Reliability;

/// <summary>
/// Generated bodies, content types and tokens against every endpoint: never a 5xx, never a stack trace,
/// every error problem+json; afterwards the database holds exactly the users that got a 201.
/// </summary>
public sealed class FuzzTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly (HttpMethod Method, string Path)[] Endpoints =
    [
        (HttpMethod.Post, "/auth/register"), (HttpMethod.Post, "/auth/login"), (HttpMethod.Post, "/auth/refresh"),
        (HttpMethod.Post, "/auth/logout"), (HttpMethod.Post, "/auth/password"), (HttpMethod.Post, "/auth/logout-all"),
        (HttpMethod.Get, "/auth/me"), (HttpMethod.Get, "/auth/sessions"), (HttpMethod.Delete, "/auth/sessions/{id}"),
        (HttpMethod.Post, "/auth/login?useCookie=maybe"), (HttpMethod.Post, "/auth/refresh?useCookie=true"),
        (HttpMethod.Get, "/.well-known/jwks.json"), (HttpMethod.Put, "/auth/login"),
    ];

    private static readonly string[] Fields = ["email", "password", "refreshToken", "currentPassword", "newPassword", "id", "createdAt"];

    private static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.String),
        (2, Gen.Char.Array[0, 40].Select(chars => new string(chars))),
        (2, Gen.OneOf(Gen.Const(""), Gen.Const(" "), Gen.Const("\0"), Gen.Const("a@b.io"), Gen.Const("ADMINISTRATOR"),
            Gen.Const("correct horse battery staple"), Gen.Const("😀😀😀😀😀😀😀😀😀😀😀😀"), Gen.Const("\ud800"))),
        (1, Gen.Int[1, 70_000].Select(n => new string('x', n))),
        (1, Gen.Int[1, 20].Select(n => $"user{n}@EXAMPLE.com")));

    private static readonly Gen<JsonElement> Value = Gen.Recursive<string>((depth, self) => depth > 3
            ? Leaf()
            : Gen.Frequency(
                (6, Leaf()),
                (1, self.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
                (1, Gen.Select(Gen.OneOf(Text, Gen.OneOf(Fields.Select(f => Gen.Const(f)).ToArray())), self).Array[0, 4]
                    .Select(pairs => "{" + string.Join(",", pairs.Select(p => $"{JsonSerializer.Serialize(p.Item1)}:{p.Item2}")) + "}"))))
        .Select(json => JsonDocument.Parse(json).RootElement.Clone());

    private static Gen<string> Leaf() => Gen.Frequency(
        (4, Text.Select(s => JsonSerializer.Serialize(s))),
        (1, Gen.Long.Select(n => n.ToString())),
        (1, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R") : "0")),
        (1, Gen.OneOf(Gen.Const("true"), Gen.Const("false"), Gen.Const("null"))));

    private static readonly Gen<string> Body = Gen.Frequency(
        // An object with the API's own field names, as a client would send, with wrong types and extras.
        (5, Gen.Select(Gen.OneOf(Fields.Select(f => Gen.Const(f)).ToArray()), Value).Array[0, 5]
            .Select(pairs => "{" + string.Join(",", pairs.Select(p => $"\"{p.Item1}\":{p.Item2.GetRawText()}")) + "}")),
        (2, Value.Select(v => v.GetRawText())),
        (2, Text),
        (1, Gen.Int[1, 5_000].Select(depth => new string('[', depth) + new string(']', depth))),
        (1, Gen.Const("")));

    private static readonly string?[] ContentTypes =
        ["application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", null];

    [Fact]
    public async Task generated_requests_never_cause_a_5xx_or_leak_internals_and_create_only_the_users_answered_201()
    {
        var (_, _, session) = await api.NewSessionAsync();
        var usersBefore = await api.ScalarAsync<long>("select count(*) from users");
        var tokens = Tokens(session.AccessToken);
        var created = new ConcurrentBag<string>();
        using var client = api.Host.Server.CreateClient();

        await Gen.Select(Gen.Int[0, Endpoints.Length - 1], Body, Gen.Int[0, ContentTypes.Length - 1], Gen.Int[0, tokens.Length])
            .SampleAsync(async (endpoint, body, contentTypeIndex, token) =>
            {
                var contentType = ContentTypes[contentTypeIndex];
                var (method, path) = Endpoints[endpoint];
                // The test host cannot carry an escaped NUL in a path (its client throws before the API sees
                // the request; Kestrel answers 400 itself), so the id segment goes without one.
                var id = (body.Length > 100 ? body[..100] : body).Replace("\0", "", StringComparison.Ordinal);
                using var request = new HttpRequestMessage(method, path.Replace("{id}", Uri.EscapeDataString(id)));
                if (method != HttpMethod.Get)
                {
                    request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                    if (contentType is not null)
                        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                }
                if (token < tokens.Length)
                    request.Headers.TryAddWithoutValidation("Authorization", tokens[token]);

                using var response = await client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                Assert.True(status < 500, $"{method} {path} answered {status}: {text}");
                Assert.DoesNotContain("   at ", text);
                Assert.DoesNotContain("Exception", text);
                if (status >= 400)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(text).RootElement.GetProperty("traceId").GetString()));
                }
                if (path == "/auth/register" && status == 201)
                    created.Add(JsonDocument.Parse(text).RootElement.GetProperty("email").GetString()!);
            }, iter: 400, threads: 1);

        Assert.Equal(usersBefore + created.Count, await api.ScalarAsync<long>("select count(*) from users"));
    }

    /// <summary>A real token, and hostile variants of it: truncated, re-signed with other keys or algorithms.</summary>
    private static string[] Tokens(string real)
    {
        var parts = real.Split('.');
        var handler = new JsonWebTokenHandler();
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        string Sign(SigningCredentials credentials) => handler.CreateToken(payload, credentials,
            new Dictionary<string, object> { ["typ"] = "at+jwt" });
        return
        [
            $"Bearer {real}",
            $"Bearer {real[..(real.Length / 2)]}",
            $"Bearer {parts[0]}.{parts[1]}.",
            $"Bearer {Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}")}.{parts[1]}.",
            $"Bearer {Sign(new SigningCredentials(new SymmetricSecurityKey(new byte[64]), SecurityAlgorithms.HmacSha256))}",
            $"Bearer {Sign(new SigningCredentials(new SymmetricSecurityKey(new byte[64]), SecurityAlgorithms.HmacSha512))}",
            $"Bearer {Sign(new SigningCredentials(new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)), SecurityAlgorithms.RsaSha256))}",
            "Bearer",
            "Basic dXNlcjpwYXNz",
            $"Bearer {new string('a', 10_000)}",
        ];
    }
}
