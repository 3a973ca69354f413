using System.Security.Cryptography;
using System.Text.Json;
using OrleansRegistry.Core.Schema1;
using static OrleansRegistry.Core.Tests.Manifests.Schema1.Schema1Samples;

namespace OrleansRegistry.Core.Tests.Manifests.Schema1;

// Format sources: docker/libtrust jsonsign.go (NewJSONSignature, protectedHeader, signBytes, Sign, PrettySignature),
// ec_key.go / rsa_key.go (JWK fields, signature encoding), util.go (key ID); distribution v2.8 manifest/schema1/sign.go.
public sealed class SignTests
{
    [Fact]
    public void Ec_p256_signature_verifies_and_names_the_key()
    {
        using var key = EcKey();
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);

        var keys = SignedManifest.Verify(signed.Bytes);
        Assert.Equal(LibtrustKey.From(key).KeyId, Assert.Single(keys).KeyId);
        Assert.Equal("EC", keys[0].KeyType);
        Assert.Equal("P-256", keys[0].Curve);
        var signature = Assert.Single(signed.Signatures);
        Assert.Equal("ES256", signature.Algorithm);
        Assert.Equal(64, signature.Signature.Length); // raw R || S, 32 bytes each, not DER
    }

    [Fact]
    public void Rsa_2048_signature_verifies_as_rs256()
    {
        using var key = RsaKey();
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);

        Assert.Equal(LibtrustKey.From(key).KeyId, Assert.Single(SignedManifest.Verify(signed.Bytes)).KeyId);
        Assert.Equal("RS256", signed.Signatures[0].Algorithm);
        Assert.Equal(256, signed.Signatures[0].Signature.Length);
        // The signature really is PKCS #1 v1.5 over SHA-256 of protected + "." + base64url(payload).
        var input = System.Text.Encoding.ASCII.GetBytes(signed.Signatures[0].Protected + "." + Base64Url(signed.Payload));
        Assert.True(key.VerifyData(input, signed.Signatures[0].Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Ec_signature_is_over_protected_dot_base64url_payload()
    {
        using var key = EcKey();
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);
        var s = signed.Signatures[0];
        var input = System.Text.Encoding.ASCII.GetBytes(s.Protected + "." + Base64Url(signed.Payload));
        Assert.True(key.VerifyData(input, s.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void Small_rsa_keys_and_other_curves_are_handled()
    {
        using var small = RSA.Create(1024);
        Assert.Throws<ArgumentException>(() => SignedManifest.Sign(Manifest(), small, SigningTime));

        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var signed = SignedManifest.Sign(Manifest(), p384, SigningTime);
        Assert.Equal("ES384", signed.Signatures[0].Algorithm);
        Assert.Equal(96, signed.Signatures[0].Signature.Length);
        Assert.Single(signed.Verify());
    }

    [Fact]
    public void Payload_is_the_manifest_pretty_printed_with_three_spaces_in_go_field_order()
    {
        var payload = Text(Manifest().ToPayload());
        var expected =
            "{\n" +
            "   \"schemaVersion\": 1,\n" +
            "   \"name\": \"team/app\",\n" +
            "   \"tag\": \"v1\",\n" +
            "   \"architecture\": \"amd64\",\n" +
            "   \"fsLayers\": [\n" +
            "      {\n" +
            $"         \"blobSum\": \"{Digest.Compute("layer two"u8)}\"\n" +
            "      },\n" +
            "      {\n" +
            $"         \"blobSum\": \"{Digest.Compute("layer one"u8)}\"\n" +
            "      }\n" +
            "   ],\n" +
            "   \"history\": [\n" +
            "      {\n" +
            // Go's encoding/json escapes <, > and & (HTML-safe) and quotes as \".
            "         \"v1Compatibility\": \"{\\\"id\\\":\\\"2\\\",\\\"parent\\\":\\\"1\\\",\\\"container_config\\\":{\\\"Cmd\\\":[\\\"/bin/sh -c echo \\u003chi\\u003e \\u0026 bye\\\"]}}\"\n" +
            "      },\n" +
            "      {\n" +
            "         \"v1Compatibility\": \"{\\\"id\\\":\\\"1\\\",\\\"created\\\":\\\"2024-01-01T00:00:00Z\\\"}\"\n" +
            "      }\n" +
            "   ]\n" +
            "}";
        Assert.Equal(expected, payload);
        Assert.Equal(Manifest().History[0].V1Compatibility, Schema1Manifest.Parse(Bytes(payload)).History[0].V1Compatibility);
    }

    [Fact]
    public void Empty_lists_are_written_as_empty_arrays()
    {
        var payload = Text(new Schema1Manifest("a/b", "t", "arm64", [], []).ToPayload());
        Assert.Contains("\n   \"fsLayers\": [],\n   \"history\": []\n}", payload);
    }

    [Fact]
    public void Protected_header_carries_format_length_tail_and_time()
    {
        using var key = EcKey();
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);
        var header = Text(Base64UrlDecode(signed.Signatures[0].Protected));
        // The payload ends "\n}": formatLength stops before it and formatTail is base64url("\n}") = "Cn0".
        Assert.Equal($"{{\"formatLength\":{signed.Payload.Length - 2},\"formatTail\":\"Cn0\",\"time\":\"2024-05-06T07:08:09Z\"}}", header);
        Assert.Equal(signed.Payload.Length - 2, signed.Signatures[0].FormatLength);
    }

    [Fact]
    public void Document_is_the_payload_with_the_signatures_spliced_in_as_libtrust_writes_it()
    {
        using var key = EcKey();
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);
        var document = Text(signed.Bytes);
        var s = signed.Signatures[0];
        var jwk = JsonDocument.Parse(document).RootElement.GetProperty("signatures")[0].GetProperty("header").GetProperty("jwk");
        var expectedTail =
            ",\n" +
            "   \"signatures\": [\n" +
            "      {\n" +
            "         \"header\": {\n" +
            "            \"jwk\": {\n" +
            "               \"crv\": \"P-256\",\n" +
            $"               \"kid\": \"{s.Key.KeyId}\",\n" +
            "               \"kty\": \"EC\",\n" +
            $"               \"x\": \"{jwk.GetProperty("x").GetString()}\",\n" +
            $"               \"y\": \"{jwk.GetProperty("y").GetString()}\"\n" +
            "            },\n" +
            "            \"alg\": \"ES256\"\n" +
            "         },\n" +
            $"         \"signature\": \"{s.EncodedSignature}\",\n" +
            $"         \"protected\": \"{s.Protected}\"\n" +
            "      }\n" +
            "   ]\n" +
            "}";
        Assert.Equal(Text(signed.Payload)[..^2] + expectedTail, document);
        // x and y are the public point, 32 bytes each with leading zeros kept (ec_key.go toMap).
        var parameters = key.ExportParameters(false);
        Assert.Equal(parameters.Q.X, Base64UrlDecode(jwk.GetProperty("x").GetString()!));
        Assert.Equal(parameters.Q.Y, Base64UrlDecode(jwk.GetProperty("y").GetString()!));
    }

    [Fact]
    public void Rsa_jwk_has_e_kid_kty_n_in_that_order()
    {
        using var key = RsaKey();
        var signed = SignedManifest.Sign(Manifest(), key, SigningTime);
        var jwk = JsonDocument.Parse(signed.Bytes).RootElement.GetProperty("signatures")[0].GetProperty("header").GetProperty("jwk");
        Assert.Equal(["e", "kid", "kty", "n"], jwk.EnumerateObject().Select(p => p.Name));
        Assert.Equal("AQAB", jwk.GetProperty("e").GetString()); // 65537 in the fewest octets
        Assert.Equal(key.ExportParameters(false).Modulus, Base64UrlDecode(jwk.GetProperty("n").GetString()!));
    }

    [Fact]
    public void Digest_is_over_the_payload_so_resigning_keeps_it()
    {
        using var first = EcKey();
        using var second = RsaKey();
        var a = SignedManifest.Sign(Manifest(), first, SigningTime);
        var b = SignedManifest.Sign(Manifest(), second, SigningTime.AddHours(1));
        Assert.NotEqual(a.Bytes, b.Bytes);
        Assert.Equal(a.Payload, b.Payload);
        Assert.Equal(Digest.Compute(a.Payload), a.Digest);
        Assert.Equal(a.Digest, b.Digest);
        Assert.NotEqual(Digest.Compute(a.Bytes), a.Digest);
    }

    internal static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }
}
