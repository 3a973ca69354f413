using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Images;

/// <summary>One manifest of an image as read from its source: descriptor (resolved media type, verified digest, size),
/// the exact bytes (pushed on unchanged, so the digest stays), and what it references.</summary>
/// <param name="Descriptor">The manifest as a registry names it: the digest it is filed, pulled and pushed under.</param>
/// <param name="Stored">The manifest as an object store files it: content-addressed, by the digest of
/// <paramref name="Content"/>. The same as <paramref name="Descriptor"/> except for Docker schema1.</param>
internal sealed record ImageManifest(Descriptor Descriptor, Descriptor Stored, byte[] Content, ParsedManifest Parsed)
{
    /// <summary>Parses <paramref name="content"/>, whose digest the caller has verified, and names it by the media type
    /// the parser settled on (the document's own, where a registry sent a vaguer Content-Type).</summary>
    /// <param name="digest">The verified digest: a registry's name for it, or an object store's (for schema1 these
    /// differ, and either is accepted, since both follow from the bytes).</param>
    public static ImageManifest Create(string? contentType, Digest digest, byte[] content)
    {
        var parsed = ManifestParser.Parse(contentType, content);
        if (!parsed.IsSchema1)
        {
            var descriptor = new Descriptor(parsed.MediaType, digest, content.Length);
            return new ImageManifest(descriptor, descriptor, content, parsed);
        }
        // Schema1 (signatures verified by the parser): a registry names it by the digest of its payload without the
        // signatures (ManifestDigest), a content-addressed store by the digest of the signed bytes. The bytes move
        // unchanged either way, so the signatures still verify and each side keeps its own name for them.
        var registry = ManifestDigest.Compute(parsed.MediaType, content, digest.Algorithm);
        var stored = Digest.Compute(content, digest.Algorithm);
        if (digest != registry && digest != stored)
            throw new Errors.DigestMismatchException(digest, registry, "schema1 manifest");
        return new ImageManifest(new Descriptor(parsed.MediaType, registry, content.Length),
            new Descriptor(parsed.MediaType, stored, content.Length), content, parsed);
    }
}
