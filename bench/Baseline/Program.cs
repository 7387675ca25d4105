// GET /auth/me without authentication: what ASP.NET Core costs for the same response, the yardstick for
// the API's token verification and FastEndpoints pipeline. Same host defaults as the API
// (WebApplication.CreateBuilder, Kestrel, System.Text.Json web defaults with generated serialization,
// ASP.NET Core's request log category off, so that neither starts an Activity per request), and
// published natively like it.
// bench/run.sh passes the bench user's id and email (Me__Id, Me__Email), so both bodies are identical.
using System.Text.Json;
using System.Text.Json.Serialization;

var builder = WebApplication.CreateBuilder(args);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default));
var app = builder.Build();

var me = new Me(
    Guid.TryParse(app.Configuration["Me:Id"], out var id) ? id : Guid.Parse("7f1d2c3b-4a5e-4f60-8a71-92b3c4d5e6f7"),
    app.Configuration["Me:Email"] ?? "ada@example.com");
app.MapGet("/auth/me", () => TypedResults.Ok(me));

app.Run();

internal sealed record Me(Guid Id, string Email);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Me))]
internal sealed partial class BaselineJson : JsonSerializerContext;
