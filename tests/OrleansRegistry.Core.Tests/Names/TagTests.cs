namespace OrleansRegistry.Core.Tests.Names;

// spec: "Pulling manifests" — a tag is at most 128 characters and matches [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
public sealed class TagTests
{
    [Theory]
    [InlineData("latest")]
    [InlineData("v1.2.3")]
    [InlineData("1.0.0-rc.1")]
    [InlineData("_hidden")]
    [InlineData("A")]
    [InlineData("sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.sig")] // cosign's tag scheme
    [InlineData("a..b--c__d")]
    public void Valid_tags(string tag) => Assert.True(Tag.IsValid(tag));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("-rc")]
    [InlineData("v1+build")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData("é")]
    public void Invalid_tags(string? tag) => Assert.False(Tag.IsValid(tag));

    [Fact]
    public void Length_limit_is_128()
    {
        Assert.True(Tag.IsValid(new string('a', 128)));
        Assert.False(Tag.IsValid(new string('a', 129)));
    }

    [Fact] // a registry's own lower cap (Registry:Limits:MaxTagLength): TAG_INVALID saying the limit; never above 128
    public void A_lower_cap_refuses_longer_tags_with_TAG_INVALID()
    {
        Assert.Equal("abcd", Tag.Parse("abcd", maxLength: 4).Value);
        var e = Assert.Throws<RegistryException>(() => Tag.Parse("abcde", maxLength: 4));
        Assert.Same(ErrorCatalog.TagInvalid, e.Descriptor);
        Assert.Contains("limit of 4", e.Message);
        Assert.False(Tag.IsValid(new string('a', 129), maxLength: 1000));
    }
}
