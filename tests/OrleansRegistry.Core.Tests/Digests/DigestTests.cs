using System.Text;

namespace OrleansRegistry.Core.Tests.Digests;

// spec: image-spec "Digests" grammar, referenced by distribution-spec "Pulling manifests"
public sealed class DigestTests
{
    private const string EmptySha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string HelloSha512 =
        "sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043";

    [Theory]
    [InlineData(EmptySha256, "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", "sha256+b64u", "LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564")]
    [InlineData("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8", "multihash+base58", "QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8")]
    [InlineData("a.b_c-d:x=", "a.b_c-d", "x=")]
    public void TryParse_accepts_the_grammar(string value, string algorithm, string encoded)
    {
        Assert.True(Digest.TryParse(value, out var digest));
        Assert.Equal(algorithm, digest.Algorithm);
        Assert.Equal(encoded, digest.Encoded);
        Assert.Equal(value, digest.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256")]
    [InlineData("sha256:")]
    [InlineData(":abc")]
    [InlineData("SHA256:abc")]           // algorithm components are lowercase
    [InlineData("sha256:ab/c")]          // '/' is not in the encoded alphabet
    [InlineData("sha256:ab:cd")]         // ':' neither
    [InlineData("sha256:ab cd")]
    [InlineData("+sha256:abc")]          // a separator must sit between components
    [InlineData("sha256+:abc")]
    [InlineData("sha++256:abc")]
    [InlineData("sha256 :abc")]
    public void TryParse_refuses_what_the_grammar_does_not_produce(string? value)
    {
        Assert.False(Digest.TryParse(value, out var digest));
        Assert.Equal(default, digest);
    }

    [Fact]
    public void Parse_throws_DIGEST_INVALID_for_a_malformed_digest()
    {
        var e = Assert.Throws<RegistryException>(() => Digest.Parse("sha256"));
        Assert.Same(ErrorCatalog.DigestInvalid, e.Descriptor);
        Assert.Equal("sha256", e.Detail!.Value.GetProperty("digest").GetString());
    }

    [Fact]
    public void Parse_returns_the_same_digest_as_TryParse() =>
        Assert.Equal(new Digest("sha256", EmptySha256[7..]), Digest.Parse(EmptySha256));

    [Theory]
    [InlineData(EmptySha256, true)]
    [InlineData(HelloSha512, true)]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", false)] // image-spec: /[a-f0-9]{64}/
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", false)]   // 63 digits
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555", false)] // 65 digits
    [InlineData("sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false)]  // not hex
    [InlineData("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false)]  // sha512 needs 128
    [InlineData("blake3:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false)]  // well-formed, not ours
    [InlineData("sha384:abc", false)]
    public void IsSupported_is_sha256_or_sha512_in_lowercase_hex(string value, bool supported)
    {
        Assert.True(Digest.TryParse(value, out var digest)); // well-formed either way
        Assert.Equal(supported, digest.IsSupported);
    }

    [Fact]
    public void Compute_matches_known_sha256_and_sha512_vectors()
    {
        Assert.Equal(EmptySha256, Digest.Compute([]).ToString());
        Assert.Equal(HelloSha512, Digest.Compute("hello"u8, "sha512").ToString());
        // The empty JSON descriptor of image-spec "Guidance for an Empty Descriptor".
        Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            Digest.Compute("{}"u8).ToString());
    }

    [Fact]
    public void Compute_refuses_an_algorithm_it_cannot_compute()
    {
        var e = Assert.Throws<RegistryException>(() => Digest.Compute("x"u8, "md5"));
        Assert.Same(ErrorCatalog.DigestInvalid, e.Descriptor);
        Assert.Equal("unsupported digest algorithm", e.Message);
    }

    [Fact]
    public void Computed_digests_are_supported_and_round_trip_through_parse()
    {
        var digest = Digest.Compute(Encoding.UTF8.GetBytes("layer bytes"), "sha512");
        Assert.True(digest.IsSupported);
        Assert.Equal(digest, Digest.Parse(digest.ToString()));
    }
}
