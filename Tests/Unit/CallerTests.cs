using System.Security.Claims;
using SliceAuth.Infrastructure.Tokens;

namespace SliceAuth.Tests.Unit;

public sealed class CallerTests
{
    private static readonly Guid User = Guid.NewGuid();
    private static readonly Guid Session = Guid.NewGuid();

    private static ClaimsIdentity Identity(params (string Type, string Value)[] claims) =>
        new(claims.Select(claim => new Claim(claim.Type, claim.Value)), "Bearer");

    [Fact]
    public void reads_the_user_email_and_session_of_a_token()
    {
        var identity = Identity(("sub", User.ToString()), ("email", "ada@example.com"), ("sid", Session.ToString()), ("jti", "x"));

        Assert.Equal(new Caller(User, "ada@example.com", Session), Caller.Read(identity));
        Assert.Equal(new Caller(User, "ada@example.com", Session), Caller.From(new ClaimsPrincipal(identity)));
    }

    [Theory]
    [InlineData("not-a-guid", true)]
    [InlineData(null, true)]
    [InlineData("guid", false)]
    [InlineData("guid", null)]
    public void reads_nothing_unless_sub_and_sid_are_guids(string? subject, bool? sessionIsGuid)
    {
        var claims = new List<(string, string)>();
        if (subject is not null)
            claims.Add(("sub", subject == "guid" ? User.ToString() : subject));
        if (sessionIsGuid is not null)
            claims.Add(("sid", sessionIsGuid.Value ? Session.ToString() : "session-1"));

        Assert.Null(Caller.Read(Identity([.. claims])));
        Assert.Throws<InvalidOperationException>(() => Caller.From(new ClaimsPrincipal(Identity([.. claims]))));
    }

    [Fact]
    public void claim_names_are_matched_exactly_and_the_first_of_each_counts()
    {
        var other = Guid.NewGuid();
        Assert.Null(Caller.Read(Identity(("SUB", User.ToString()), ("sid", Session.ToString()))));
        Assert.Equal(new Caller(User, "", Session), Caller.Read(Identity(("sub", User.ToString()), ("sub", other.ToString()), ("sid", Session.ToString()))));
    }

    [Fact]
    public void a_principal_that_carries_its_caller_is_not_read_again()
    {
        var carried = new Caller(User, "ada@example.com", Session);

        Assert.Equal(carried, Caller.From(new CallerPrincipal(Identity(), carried)));
    }
}
