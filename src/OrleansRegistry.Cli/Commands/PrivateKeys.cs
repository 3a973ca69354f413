using System.Security.Cryptography;

namespace OrleansRegistry.Cli.Commands;

/// <summary>Reads a PEM private key for schema1 signing: EC or RSA, PKCS#1 / SEC1 or PKCS#8, unencrypted.</summary>
internal static class PrivateKeys
{
    public static async Task<AsymmetricAlgorithm> ReadAsync(string path, CancellationToken ct)
    {
        var pem = System.Text.Encoding.ASCII.GetString(await SignCommand.ReadAsync(path, ct));
        if (!PemEncoding.TryFind(pem, out var fields))
            throw new CliFailureException($"{path} is not a PEM file");
        var label = pem[fields.Label];
        if (label == "ENCRYPTED PRIVATE KEY")
            throw new CliFailureException($"{path} is encrypted; decrypt it first (openssl pkey -in {path} -out plain.pem)");
        if (!label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            throw new CliFailureException($"{path} holds a {label}, not a private key");

        // ImportFromPem picks the first PEM block it understands, so try EC first and RSA second: a PKCS#8
        // "PRIVATE KEY" says only inside its DER which algorithm it is.
        if (label != "RSA PRIVATE KEY")
        {
            var ec = ECDsa.Create();
            try
            {
                ec.ImportFromPem(pem);
                return ec;
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                ec.Dispose();
            }
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new CliFailureException($"{path} holds no EC or RSA private key: {e.Message}", e);
        }
    }
}
