using Microsoft.Extensions.Options;
using SliceAuth.Infrastructure;
using SliceAuth.Infrastructure.Database;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddSliceAuth();

    var app = builder.Build();
    app.UseSliceAuth();
    await app.PrepareAsync();

    // `dotnet run -- migrate`: apply the migrations and exit.
    if (args is ["migrate", ..])
    {
        app.Services.GetService<EmbeddedPostgres>()?.Stop();
        return 0;
    }

    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is StartupFailure or OptionsValidationException)
{
    Console.Error.WriteLine($"SliceAuth cannot start: {e.Message}");
    return 1;
}

public partial class Program;
