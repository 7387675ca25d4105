using Microsoft.Extensions.Options;
using SliceAuth.Infrastructure.Passwords;

namespace SliceAuth.Tests.Unit;

public sealed class PasswordRulesTests
{
    private static readonly CommonPasswords Common = new();

    private static PasswordRules Rules(int minLength = 12, PasswordAlgorithm algorithm = PasswordAlgorithm.Argon2id) =>
        new(Options.Create(new PasswordOptions { MinLength = minLength, Algorithm = algorithm }), Common);

    [Fact]
    public void an_acceptable_password_breaks_no_rule()
    {
        Assert.Empty(Rules().Check("correct horse battery staple", "someone@example.com"));
    }

    [Fact]
    public void the_minimum_length_comes_from_the_options()
    {
        Assert.Empty(Rules(12).Check("zq8!vR2#mW4p", null));
        Assert.Contains("at least 12", Assert.Single(Rules(12).Check("zq8!vR2#mW4", null)));
        Assert.Contains("at least 20", Assert.Single(Rules(20).Check("zq8!vR2#mW4pLk9$tY7", null)));
        Assert.Empty(Rules(20).Check("zq8!vR2#mW4pLk9$tY7&", null));
    }

    [Fact]
    public void length_is_counted_in_code_points()
    {
        var twelveEmoji = string.Concat(Enumerable.Repeat("😀", 12));
        var elevenEmoji = string.Concat(Enumerable.Repeat("😀", 11));

        Assert.Empty(Rules().Check(twelveEmoji, null));
        Assert.Contains("at least 12", Assert.Single(Rules().Check(elevenEmoji, null)));
    }

    [Fact]
    public void at_most_128_code_points_are_allowed()
    {
        var emoji128 = string.Concat(Enumerable.Repeat("😀", 128)); // 256 UTF-16 units
        var letters129 = string.Concat(Enumerable.Range(0, 129).Select(i => (char)('a' + i % 26)));

        Assert.Empty(Rules().Check(emoji128, null));
        Assert.Contains("at most 128", Assert.Single(Rules().Check(letters129, null)));
        Assert.Contains("at most 128", Assert.Single(Rules().Check(emoji128 + "😀", null)));
    }

    [Theory]
    [InlineData("              ")]
    [InlineData("\t\t\t\t\n\n\n\n            ")]
    [InlineData("\u2003\u2003\u2003\u2003\u2003\u2003\u2003\u2003\u2003\u2003\u2003\u2003")]
    public void white_space_only_is_rejected(string password)
    {
        Assert.Contains("white space", Assert.Single(Rules().Check(password, null)));
    }

    [Fact]
    public void the_email_is_rejected_as_password_whatever_its_case()
    {
        const string email = "Some.Person@Example.com";

        Assert.Contains("email", Assert.Single(Rules().Check("some.person@example.COM", email)));
        Assert.Contains("email", Assert.Single(Rules().Check(email, $"  {email}  ")));
        Assert.Empty(Rules().Check("some.person@example.org", email));
    }

    [Theory]
    [InlineData("password")]
    [InlineData("PASSWORD")]
    [InlineData("PassWord")]
    [InlineData("administrator")]
    [InlineData("CheeseBurger")]
    public void a_common_password_is_rejected_ignoring_case(string password)
    {
        Assert.Contains("common", Assert.Single(Rules(minLength: 1).Check(password, null)));
    }

    [Fact]
    public void the_72_byte_bcrypt_limit_applies_only_when_bcrypt_is_selected()
    {
        var bytes72 = new string('é', 36);  // 36 code points, 72 UTF-8 bytes
        var bytes74 = new string('é', 37);
        var ascii73 = string.Concat(Enumerable.Range(0, 73).Select(i => (char)('a' + i % 26)));

        Assert.Empty(Rules(algorithm: PasswordAlgorithm.Bcrypt).Check(bytes72, null));
        Assert.Contains("72", Assert.Single(Rules(algorithm: PasswordAlgorithm.Bcrypt).Check(bytes74, null)));
        Assert.Contains("72", Assert.Single(Rules(algorithm: PasswordAlgorithm.Bcrypt).Check(ascii73, null)));
        Assert.Empty(Rules(algorithm: PasswordAlgorithm.Argon2id).Check(bytes74, null));
        Assert.Empty(Rules(algorithm: PasswordAlgorithm.Argon2id).Check(ascii73 + ascii73[..50], null));
    }

    [Fact]
    public void the_common_password_list_is_the_full_zxcvbn_list()
    {
        Assert.True(Common.Count >= 49_000, $"only {Common.Count} common passwords");
        Assert.True(Common.Contains("password"));
        Assert.True(Common.Contains("PASSWORD"));
        Assert.True(Common.Contains("123456"));
        Assert.False(Common.Contains("correct horse battery staple"));
    }

    [Fact]
    public void every_listed_password_is_found_in_any_case_and_nothing_else_is()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream("SliceAuth.common-passwords.txt")!;
        using var reader = new StreamReader(stream);
        var listed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0)
                listed.Add(line);

        Assert.Equal(listed.Count, Common.Count);
        foreach (var password in listed)
        {
            Assert.True(Common.Contains(password), password);
            Assert.True(Common.Contains(password.ToUpperInvariant()), password);
            Assert.Equal(listed.Contains(password + "!"), Common.Contains(password + "!"));
            Assert.Equal(listed.Contains(password[..^1]), Common.Contains(password[..^1]));
        }
        Assert.False(Common.Contains(""));
    }
}
