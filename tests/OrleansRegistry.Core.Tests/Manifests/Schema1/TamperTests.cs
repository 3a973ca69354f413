using System.Security.Cryptography;
using OrleansRegistry.Core.Schema1;
using static OrleansRegistry.Core.Tests.Manifests.Schema1.Schema1Samples;
using static OrleansRegistry.Core.Tests.Manifests.Schema1.SignTests;

namespace OrleansRegistry.Core.Tests.Manifests.Schema1;

// Any change to what a signature covers (payload, protected header), to the signature, or to the key that is said to
// have made it must fail verification (libtrust jsonsign.go Verify; distribution verify.go → MANIFEST_UNVERIFIED).
public sealed class TamperTests
{
    public static TheoryData<string> KeyKinds => ["ec", "rsa"];

    private static SignedManifest SignWith(string kind)
    {
        using AsymmetricAlgorithm key = kind == "ec" ? EcKey() : RsaKey();
        return SignedManifest.Sign(Manifest(), key, SigningTime);
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public void Untouched_document_verifies(string kind) =>
        Assert.Single(SignedManifest.Verify(SignWith(kind).Bytes));

    [Theory, MemberData(nameof(KeyKinds))]
    public void Changed_payload_fails(string kind)
    {
        var signed = SignWith(kind);
        Unverified(() => SignedManifest.Verify(ReplaceOnce(signed.Bytes, "\"tag\": \"v1\"", "\"tag\": \"v9\"")));
        // A layer swapped for another blob: the attack the signature exists to stop.
        var layer = Digest.Compute("layer one"u8).ToString();
        Unverified(() => SignedManifest.Verify(ReplaceOnce(signed.Bytes, layer, Digest.Compute("evil"u8).ToString())));
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public void Changed_payload_whitespace_fails(string kind)
    {
        var signed = SignWith(kind);
        // Same JSON meaning, different bytes: still not what was signed.
        var tampered = ReplaceOnce(signed.Bytes, "\"name\": \"team/app\"", "\"name\":  \"team/app\"");
        Unverified(() => SignedManifest.Verify(tampered));
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public void Changed_protected_header_fails(string kind)
    {
        var signed = SignWith(kind);
        var original = signed.Signatures[0].Protected;
        var header = Text(Base64UrlDecode(original)).Replace("2024-05-06T07:08:09Z", "2024-05-06T07:08:10Z");
        Unverified(() => SignedManifest.Verify(ReplaceOnce(signed.Bytes, original, Base64Url(Bytes(header)))));
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public void Changed_format_length_fails(string kind)
    {
        var signed = SignWith(kind);
        var original = signed.Signatures[0].Protected;
        var length = signed.Signatures[0].FormatLength;
        var header = Text(Base64UrlDecode(original)).Replace($"\"formatLength\":{length}", $"\"formatLength\":{length - 1}");
        Unverified(() => SignedManifest.Verify(ReplaceOnce(signed.Bytes, original, Base64Url(Bytes(header)))));
    }

    [Theory, MemberData(nameof(KeyKinds))]
    public void Changed_signature_fails(string kind)
    {
        var signed = SignWith(kind);
        var raw = signed.Signatures[0].Signature.ToArray();
        raw[raw.Length / 2] ^= 0x01;
        Unverified(() => SignedManifest.Verify(ReplaceOnce(signed.Bytes, signed.Signatures[0].EncodedSignature, Base64Url(raw))));
    }

    [Fact]
    public void Another_keys_jwk_fails()
    {
        using var signer = EcKey();
        using var other = EcKey();
        var signed = SignedManifest.Sign(Manifest(), signer, SigningTime);
        var impostor = SignedManifest.Sign(Manifest(), other, SigningTime);
        var tampered = signed.Bytes;
        foreach (var field in new[] { "kid", "x", "y" })
            tampered = ReplaceOnce(tampered, StringValue(signed.Bytes, field), StringValue(impostor.Bytes, field));

        Unverified(() => SignedManifest.Verify(tampered));
    }

    [Fact]
    public void Jwk_whose_kid_is_not_its_key_fails()
    {
        using var signer = EcKey();
        using var other = EcKey();
        var signed = SignedManifest.Sign(Manifest(), signer, SigningTime);
        var tampered = ReplaceOnce(signed.Bytes, signed.Signatures[0].Key.KeyId, LibtrustKey.From(other).KeyId);
        Assert.Contains("does not match", Unverified(() => SignedManifest.Parse(tampered)).Message);
    }

    [Fact]
    public void Jwk_with_a_changed_coordinate_fails()
    {
        using var signer = EcKey();
        var signed = SignedManifest.Sign(Manifest(), signer, SigningTime);
        var x = StringValue(signed.Bytes, "x");
        var withoutKid = ReplaceOnce(signed.Bytes, $"\"kid\": \"{signed.Signatures[0].Key.KeyId}\",\n", "");
        // Off the curve (or a different key): refused either when read or when verified.
        Unverified(() => SignedManifest.Verify(ReplaceOnce(withoutKid, x, (x[0] == 'A' ? "B" : "A") + x[1..])));
    }

    [Fact]
    public void Algorithm_the_key_cannot_make_fails()
    {
        using var key = EcKey();
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);
        Unverified(() => SignedManifest.Verify(ReplaceOnce(signed.Bytes, "\"alg\": \"ES256\"", "\"alg\": \"ES384\"")));
        Unverified(() => SignedManifest.Verify(ReplaceOnce(signed.Bytes, "\"alg\": \"ES256\"", "\"alg\": \"RS256\"")));
        Unverified(() => SignedManifest.Verify(ReplaceOnce(signed.Bytes, "\"alg\": \"ES256\"", "\"alg\": \"none\"")));
    }

    [Fact]
    public void Content_outside_the_payload_is_refused()
    {
        using var key = EcKey();
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);
        // libtrust would ignore a member after the signatures; a reader of the served bytes would not.
        var extra = ReplaceOnce(signed.Bytes, "\n   ]\n}", "\n   ],\n   \"comment\": \"unsigned\"\n}");
        Assert.Contains("outside the signed payload", Unverified(() => SignedManifest.Parse(extra)).Message);
    }

    [Fact]
    public void Missing_or_empty_signatures_are_unverified()
    {
        var payload = Manifest().ToPayload();
        Assert.Contains("no \"signatures\"", Unverified(() => SignedManifest.Parse(payload)).Message);
        var empty = Bytes(Text(payload)[..^2] + ",\n   \"signatures\": []\n}");
        Assert.Contains("empty", Unverified(() => SignedManifest.Parse(empty)).Message);
    }

    [Fact]
    public void Signature_without_a_key_is_unverified()
    {
        using var key = EcKey();
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);
        var text = Text(signed.Bytes);
        var start = text.IndexOf("\"jwk\": {", StringComparison.Ordinal);
        var end = text.IndexOf("},", start, StringComparison.Ordinal) + 2;
        Assert.Contains("no public key", Unverified(() => SignedManifest.Parse(Bytes(text[..start] + text[end..]))).Message);
    }

    [Fact]
    public void Not_json_is_invalid_not_unverified()
    {
        var e = Assert.Throws<RegistryException>(() => SignedManifest.Parse("{\"schemaVersion\": 1,"u8));
        Assert.Same(ErrorCatalog.ManifestInvalid, e.Descriptor);
    }

    [Fact]
    public void Certificate_chain_instead_of_jwk_verifies_with_the_certificates_key()
    {
        using var key = EcKey();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=schema1 test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);
        var text = Text(signed.Bytes);
        var start = text.IndexOf("\"jwk\": {", StringComparison.Ordinal);
        var end = text.IndexOf("},", start, StringComparison.Ordinal) + 2;
        var withChain = Bytes(text[..start] + $"\"x5c\": [\"{Convert.ToBase64String(certificate.RawData)}\"]," + text[end..]);

        Assert.Equal(LibtrustKey.From(key).KeyId, Assert.Single(SignedManifest.Verify(withChain)).KeyId);

        using var other = EcKey();
        using var otherCertificate = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=other", other, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Unverified(() => SignedManifest.Verify(ReplaceOnce(withChain, Convert.ToBase64String(certificate.RawData), Convert.ToBase64String(otherCertificate.RawData))));
    }
}
