namespace OrleansRegistry.Core.Tests.Names;

// spec: "Pulling manifests" — <reference> MUST be either a digest or a tag, in no other format
public sealed class ReferenceTests
{
    private const string Sha = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void A_tag_parses_as_a_tag()
    {
        Assert.True(Reference.TryParse("v1.0", out var reference));
        Assert.False(reference.IsDigest);
        Assert.Equal(Tag.Parse("v1.0"), reference.Tag);
        Assert.Null(reference.Digest);
        Assert.Equal("v1.0", reference.ToString());
    }

    [Fact]
    public void A_digest_parses_as_a_digest()
    {
        Assert.True(Reference.TryParse(Sha, out var reference));
        Assert.True(reference.IsDigest);
        Assert.Null(reference.Tag);
        Assert.Equal(Digest.Parse(Sha), reference.Digest);
        Assert.Equal(Sha, reference.ToString());
    }

    [Fact]
    public void A_wellformed_digest_of_an_unknown_algorithm_parses_so_the_caller_can_say_unsupported()
    {
        Assert.True(Reference.TryParse("blake3:abc", out var reference));
        Assert.True(reference.IsDigest);
        Assert.False(reference.Digest!.Value.IsSupported);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256:")]        // has ':' so must be a digest, and is not
    [InlineData("latest:")]
    [InlineData("SHA256:abc")]
    [InlineData(".tag")]
    [InlineData("a/b")]
    public void Anything_else_is_refused(string? value)
    {
        Assert.False(Reference.TryParse(value, out var reference));
        Assert.Equal(default, reference);
    }

    [Fact]
    public void A_129_character_tag_is_refused() =>
        Assert.False(Reference.TryParse(new string('t', 129), out _));
}
