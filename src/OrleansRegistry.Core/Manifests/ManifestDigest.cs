using OrleansRegistry.Core.Schema1;

namespace OrleansRegistry.Core;

/// <summary>
/// The digest under which a registry files a pushed manifest. For every type it is the digest of the bytes, except
/// Docker schema1 signed manifests, which distribution (v2.8 <c>manifest/schema1/manifest.go</c>, the schema1 unmarshal
/// func) digests over the canonical payload without signatures, so re-signing leaves the digest alone and clients
/// (docker's schema1 pull) check it that way.
/// </summary>
public static class ManifestDigest
{
    /// <summary>
    /// The digest of <paramref name="body"/> as pushed with <paramref name="contentType"/>. A body treated as schema1
    /// (a schema1 Content-Type, or none / application/json / application/octet-stream with <c>"schemaVersion": 1</c>)
    /// whose signature envelope cannot be read falls back to the bytes' digest: the parser refuses it anyway.
    /// </summary>
    public static Digest Compute(string? contentType, ReadOnlySpan<byte> body, string algorithm = Digest.Sha256)
    {
        if (ManifestParser.IsSchema1Document(contentType, body))
        {
            try { return Digest.Compute(SignedManifest.Parse(body).Payload, algorithm); }
            catch (RegistryException) { }
        }
        return Digest.Compute(body, algorithm);
    }
}
