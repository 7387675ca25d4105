using SliceAuth.Infrastructure.Accounts;

namespace SliceAuth.Tests.Unit;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("a@b.io")]
    [InlineData("first.last+tag@example.co.uk")]
    [InlineData("UPPER@EXAMPLE.COM")]
    [InlineData("  padded@example.com  ")]
    [InlineData("digits123@sub.domain-name.example")]
    public void accepts_an_ordinary_address(string email)
    {
        Assert.True(EmailAddress.IsValid(email));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("plain")]
    [InlineData("@example.com")]
    [InlineData("local@")]
    [InlineData("nodot@example")]
    [InlineData("two@@example.com")]
    [InlineData("a@b@example.com")]
    [InlineData("white space@example.com")]
    [InlineData("tab\there@example.com")]
    [InlineData("a@exa mple.com")]
    [InlineData("a@example.com\nBcc: victim@example.com")]
    [InlineData("nul\0@example.com")]
    [InlineData("bell\u0007@example.com")]
    [InlineData("del\u007f@example.com")]
    [InlineData("c1\u0085@example.com")]
    [InlineData("nbsp\u00a0@example.com")]
    public void rejects_a_malformed_address(string email)
    {
        Assert.False(EmailAddress.IsValid(email));
    }

    [Fact]
    public void accepts_254_characters_and_rejects_255()
    {
        var at254 = new string('l', 64) + "@" + Domain(189);
        var at255 = new string('l', 64) + "@" + Domain(190);
        Assert.Equal(254, at254.Length);
        Assert.Equal(255, at255.Length);

        Assert.True(EmailAddress.IsValid(at254));
        Assert.False(EmailAddress.IsValid(at255));
    }

    [Fact]
    public void accepts_a_64_character_local_part_and_rejects_65()
    {
        Assert.True(EmailAddress.IsValid(new string('l', 64) + "@example.com"));
        Assert.False(EmailAddress.IsValid(new string('l', 65) + "@example.com"));
    }

    [Fact]
    public void normalising_trims_and_keeps_the_case()
    {
        Assert.Equal("Some.One@Example.com", EmailAddress.Normalise(" \tSome.One@Example.com \n"));
    }

    /// <summary>A domain of the given length (at least 133) in DNS labels of at most 63 characters.</summary>
    private static string Domain(int length) =>
        $"{new string('x', length - 129)}.{new string('y', 60)}.{new string('z', 63)}.com";
}
