using System.Text.Json;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Tests.Auth;

/// <summary>What the authentication tests push and read back (a blob's descriptor, an OCI manifest over one layer), and their check of a refusal.</summary>
internal static class AuthTestContent
{
    public static Descriptor Blob(byte[] data) => new(MediaTypes.OctetStream, Digest.Compute(data), data.Length);

    /// <summary>The call fails as the spec's UNAUTHORIZED.</summary>
    public static async Task AssertUnauthorized(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RegistryException>(call);
        Assert.Equal(ErrorCatalog.Unauthorized, error.Descriptor);
    }

    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public static byte[] Manifest(byte[] config, byte[] layer) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciManifest,
        ["config"] = new { mediaType = MediaTypes.OciConfig, digest = Digest.Compute(config).ToString(), size = config.Length },
        ["layers"] = new[] { new { mediaType = "application/vnd.oci.image.layer.v1.tar+gzip", digest = Digest.Compute(layer).ToString(), size = layer.Length } },
    });
}
