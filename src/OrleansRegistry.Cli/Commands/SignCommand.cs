using System.Security.Cryptography;
using OrleansRegistry.Cli.Parsing;
using OrleansRegistry.Core;
using OrleansRegistry.Core.Schema1;

namespace OrleansRegistry.Cli.Commands;

/// <summary>
/// <c>oreg sign --key KEY.pem IN OUT</c>: a Docker schema1 manifest signed with libtrust's JWS. IN is either an
/// unsigned manifest (signed byte for byte as it is formatted) or a signed one (its signatures must verify; one more
/// is added, as a second signer would with libtrust).
/// </summary>
internal sealed class SignCommand : ICommand
{
    public static readonly OptionSpec KeyOption = new("key", "KEY.pem", "the EC (P-256/384/521) or RSA (2048+ bits) private key, PEM");

    public string Name => "sign";

    public string Synopsis => "sign --key KEY.pem IN OUT";

    public string Summary => "sign a schema1 manifest with an EC or RSA private key";

    public string Details => """
        IN is a schema1 manifest (application/vnd.docker.distribution.manifest.v1+json); OUT gets the signed
        document (v1+prettyjws). An already signed IN keeps its signatures, which must verify, and gets one more.
        KEY.pem holds an unencrypted private key: "EC PRIVATE KEY", "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY".
        """;

    public IReadOnlyList<OptionSpec> Options => [KeyOption];

    public async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var keyPath = context.Arguments.Value(KeyOption)
            ?? throw new UsageException($"sign needs --key KEY.pem: oreg {Synopsis}");
        var arguments = context.Positionals(2);
        using var key = await PrivateKeys.ReadAsync(keyPath, ct);
        var input = await ReadAsync(arguments[0], ct);

        var signed = IsSigned(input)
            ? VerifiedSigned(input, arguments[0]).AddSignature(key)
            : SignedManifest.SignPayload(input, [key]);
        await File.WriteAllBytesAsync(arguments[1], signed.Bytes, ct);
        await context.ResultAsync($"signed {arguments[1]} {signed.Digest} key {LibtrustKey.From(key).KeyId}");
        return ExitCodes.Success;
    }

    private static SignedManifest VerifiedSigned(byte[] input, string path)
    {
        var manifest = SignedManifest.Parse(input);
        try
        {
            manifest.Verify();
        }
        catch (RegistryException e)
        {
            throw new RegistryException(e.Descriptor, $"{path} is signed already and its signatures do not verify: {e.Message}");
        }
        return manifest;
    }

    private static bool IsSigned(byte[] input)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(input);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty(SignedManifest.SignaturesKey, out _);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new RegistryException(ErrorCatalog.ManifestInvalid, $"the manifest is not valid JSON: {e.Message}");
        }
    }

    internal static async Task<byte[]> ReadAsync(string path, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, ct);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliFailureException($"{path}: no such file", e);
        }
    }
}
