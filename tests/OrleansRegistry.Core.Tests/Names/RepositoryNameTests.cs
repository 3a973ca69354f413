namespace OrleansRegistry.Core.Tests.Names;

// spec: "Pulling manifests" — <name> grammar [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*
public sealed class RepositoryNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("library/nginx")]
    [InlineData("a/b/c")]
    [InlineData("a.b")]
    [InlineData("a_b")]
    [InlineData("a__b")]
    [InlineData("a-b")]
    [InlineData("a--b")]
    [InlineData("a---b")]
    [InlineData("my-org/my.repo_name/sub__path-x")]
    [InlineData("0/9")]
    public void Valid_names(string name) => Assert.True(RepositoryName.IsValid(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a___b")]   // only _ or __
    [InlineData("a..b")]    // only one .
    [InlineData("a._b")]    // separators do not mix
    [InlineData("a-_b")]
    [InlineData("Library/nginx")]
    [InlineData("library/Nginx")]
    [InlineData("-a")]
    [InlineData("a-")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("_a")]
    [InlineData("a_")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("a//b")]    // empty component
    [InlineData("a/-b")]
    [InlineData("a b")]
    [InlineData("a:b")]
    [InlineData("a/é")]
    public void Invalid_names(string? name) => Assert.False(RepositoryName.IsValid(name));

    [Fact]
    public void At_most_255_characters()
    {
        var components = string.Join('/', Enumerable.Repeat(new string('a', 50), 5)); // 254 characters
        Assert.True(RepositoryName.IsValid(components + "b"));                        // 255
        Assert.False(RepositoryName.IsValid(components + "/b"));                      // 256, otherwise valid
        Assert.True(RepositoryName.IsValid(components[..^2] + "/b"));
        Assert.True(RepositoryName.IsValid(new string('a', RepositoryName.MaxLength)));
        Assert.False(RepositoryName.IsValid(new string('a', RepositoryName.MaxLength + 1)));
    }

    [Fact] // a registry's own lower cap (Registry:Limits:MaxNameLength): NAME_INVALID saying the limit; never above 255
    public void A_lower_cap_refuses_longer_names_with_NAME_INVALID()
    {
        Assert.Equal("team/app", RepositoryName.Parse("team/app", maxLength: 8).Value);
        var e = Assert.Throws<RegistryException>(() => RepositoryName.Parse("team/apps", maxLength: 8));
        Assert.Same(ErrorCatalog.NameInvalid, e.Descriptor);
        Assert.Contains("limit of 8", e.Message);
        Assert.False(RepositoryName.IsValid(new string('a', RepositoryName.MaxLength + 1), maxLength: 1000));
    }
}
