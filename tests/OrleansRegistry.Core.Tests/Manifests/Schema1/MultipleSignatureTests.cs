using OrleansRegistry.Core.Schema1;
using static OrleansRegistry.Core.Tests.Manifests.Schema1.Schema1Samples;

namespace OrleansRegistry.Core.Tests.Manifests.Schema1;

// libtrust jsonsign.go: every signature covers the same payload with its own protected header; PrettySignature sorts
// them by key ID, then signature (jsSignaturesSorted); Verify checks every one.
public sealed class MultipleSignatureTests
{
    [Fact]
    public void Two_keys_both_sign_and_both_are_returned()
    {
        using var ec = EcKey();
        using var rsa = RsaKey();
        var signed = SignedManifest.Sign(Manifest(), [ec, rsa], SigningTime);

        var keys = SignedManifest.Verify(signed.Bytes);
        var expected = new[] { LibtrustKey.From(ec).KeyId, LibtrustKey.From(rsa).KeyId }.Order(StringComparer.Ordinal);
        Assert.Equal(expected, keys.Select(k => k.KeyId));
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(signed.Bytes).RootElement.GetProperty("signatures").GetArrayLength());
    }

    [Fact]
    public void A_second_signer_can_add_a_signature_later()
    {
        using var first = EcKey();
        using var second = EcKey();
        var once = SignedManifest.Sign(Manifest(), first, SigningTime);
        var twice = SignedManifest.Parse(once.Bytes).AddSignature(second, SigningTime.AddMinutes(5));

        Assert.Equal(once.Payload, twice.Payload);
        Assert.Equal(
            new[] { LibtrustKey.From(first).KeyId, LibtrustKey.From(second).KeyId }.Order(StringComparer.Ordinal),
            SignedManifest.Verify(twice.Bytes).Select(k => k.KeyId));
    }

    [Fact]
    public void One_bad_signature_among_two_fails_the_whole_manifest()
    {
        using var ec = EcKey();
        using var rsa = RsaKey();
        var signed = SignedManifest.Sign(Manifest(), [ec, rsa], SigningTime);
        var bad = signed.Signatures[1].EncodedSignature;
        var tampered = ReplaceOnce(signed.Bytes, bad, (bad[0] == 'A' ? "B" : "A") + bad[1..]);

        var e = Unverified(() => SignedManifest.Verify(tampered));
        Assert.Contains("signatures[1]", e.Message);
    }

    [Fact]
    public void Signatures_that_disagree_on_the_payload_format_are_refused()
    {
        using var first = EcKey();
        using var second = EcKey();
        var a = SignedManifest.Sign(Manifest(), first, SigningTime);
        var b = SignedManifest.Sign(Manifest("version-2"), second, SigningTime); // a longer payload: another formatLength
        var block = Text(b.Bytes);
        var secondEntry = block[block.IndexOf("      {\n         \"header\"", StringComparison.Ordinal)..block.LastIndexOf("\n   ]", StringComparison.Ordinal)];
        var merged = ReplaceOnce(a.Bytes, "\n   ]\n}", ",\n" + secondEntry + "\n   ]\n}");

        Assert.Contains("disagree", Unverified(() => SignedManifest.Parse(merged)).Message);
    }
}
