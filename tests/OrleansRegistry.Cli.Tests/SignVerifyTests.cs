using System.Security.Cryptography;
using System.Text;
using OrleansRegistry.Core;
using OrleansRegistry.Core.Schema1;

namespace OrleansRegistry.Cli.Tests;

/// <summary><c>oreg sign</c> and <c>oreg verify</c> on schema1 manifest files with PEM keys.</summary>
public sealed class SignVerifyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("ec-sec1")]
    [InlineData("ec-pkcs8")]
    [InlineData("rsa-pkcs1")]
    [InlineData("rsa-pkcs8")]
    public async Task Sign_then_verify_names_the_signing_key(string keyKind)
    {
        using var key = CreateKey(keyKind, out var pem);
        var keyFile = Write("key.pem", Encoding.ASCII.GetBytes(pem));
        var input = Write("manifest.json", Manifest().ToPayload());
        var output = _temp.Child("signed.json");
        var keyId = LibtrustKey.From(key).KeyId;

        var sign = (await Oreg.RunAsync("sign", "--key", keyFile, input, output)).Succeeded();
        var signed = SignedManifest.Parse(File.ReadAllBytes(output));
        Assert.Equal($"signed {output} {signed.Digest} key {keyId}", sign.StdoutLines.Single());
        Assert.Equal(File.ReadAllBytes(input), signed.Payload);

        var verify = (await Oreg.RunAsync("verify", output)).Succeeded();
        Assert.StartsWith(keyId + " (" + (keyKind.StartsWith("ec", StringComparison.Ordinal) ? "EC P-256" : "RSA") + ")", verify.StdoutLines.Single());
    }

    [Fact]
    public async Task A_tampered_manifest_does_not_verify()
    {
        using var key = CreateKey("ec-sec1", out var pem);
        var keyFile = Write("key.pem", Encoding.ASCII.GetBytes(pem));
        var output = _temp.Child("signed.json");
        (await Oreg.RunAsync("sign", "--key", keyFile, Write("manifest.json", Manifest().ToPayload()), output)).Succeeded();

        var text = File.ReadAllText(output);
        Assert.Contains("\"amd64\"", text);
        var tampered = Write("tampered.json", Encoding.UTF8.GetBytes(text.Replace("\"amd64\"", "\"arm64\"")));

        var result = (await Oreg.RunAsync("verify", tampered)).Expect(ExitCodes.Failure);
        Assert.StartsWith("error: MANIFEST_UNVERIFIED: ", result.Stderr);
        Assert.Empty(result.Stdout);

        // Signing on top of a broken signature is refused too, rather than hiding it under a good one.
        (await Oreg.RunAsync("sign", "--key", keyFile, tampered, _temp.Child("resigned.json"))).Expect(ExitCodes.Failure);
    }

    [Fact]
    public async Task An_unsigned_manifest_does_not_verify() =>
        Assert.Contains("MANIFEST_UNVERIFIED",
            (await Oreg.RunAsync("verify", Write("plain.json", Manifest().ToPayload()))).Expect(ExitCodes.Failure).Stderr);

    [Fact]
    public async Task Signing_a_signed_manifest_adds_a_second_signer()
    {
        using var first = CreateKey("ec-sec1", out var firstPem);
        using var second = CreateKey("rsa-pkcs8", out var secondPem);
        var once = _temp.Child("once.json");
        var twice = _temp.Child("twice.json");
        (await Oreg.RunAsync("sign", "--key", Write("k1.pem", Encoding.ASCII.GetBytes(firstPem)), Write("m.json", Manifest().ToPayload()), once)).Succeeded();
        (await Oreg.RunAsync("sign", $"--key={Write("k2.pem", Encoding.ASCII.GetBytes(secondPem))}", once, twice)).Succeeded();

        var verify = (await Oreg.RunAsync("verify", twice)).Succeeded();
        Assert.Equal(
            new[] { LibtrustKey.From(first).KeyId, LibtrustKey.From(second).KeyId }.Order(StringComparer.Ordinal),
            verify.StdoutLines.Select(line => line.Split(' ')[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Keys_that_cannot_sign_exit_1_with_a_reason()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var input = Write("m.json", Manifest().ToPayload());
        var cases = new (string Pem, string Reason)[]
        {
            (ec.ExportSubjectPublicKeyInfoPem(), "not a private key"),
            (ec.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000)), "encrypted"),
            ("just text", "not a PEM file"),
        };
        foreach (var (pem, reason) in cases)
        {
            var result = (await Oreg.RunAsync("sign", "--key", Write("bad.pem", Encoding.ASCII.GetBytes(pem)), input, _temp.Child("out.json")))
                .Expect(ExitCodes.Failure);
            Assert.Contains(reason, result.Stderr);
        }
        Assert.Contains("no such file", (await Oreg.RunAsync("verify", _temp.Child("absent.json"))).Expect(ExitCodes.Failure).Stderr);
    }

    private string Write(string name, byte[] content)
    {
        var path = _temp.Child(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static Schema1Manifest Manifest() => new("team/app", "v1", "amd64",
        [new Schema1FsLayer(Digest.Compute("layer"u8))],
        [new Schema1History("""{"id":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","architecture":"amd64"}""")]);

    private static AsymmetricAlgorithm CreateKey(string kind, out string pem)
    {
        switch (kind)
        {
            case "ec-sec1":
            case "ec-pkcs8":
                var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                pem = kind == "ec-sec1" ? ec.ExportECPrivateKeyPem() : ec.ExportPkcs8PrivateKeyPem();
                return ec;
            default:
                var rsa = RSA.Create(2048);
                pem = kind == "rsa-pkcs1" ? rsa.ExportRSAPrivateKeyPem() : rsa.ExportPkcs8PrivateKeyPem();
                return rsa;
        }
    }
}
