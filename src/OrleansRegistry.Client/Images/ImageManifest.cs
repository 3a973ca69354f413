using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Images;

/// <summary>One manifest of an image as read from its source: descriptor (resolved media type, verified digest, size),
/// the exact bytes (pushed on unchanged, so the digest stays), and what it references.</summary>
internal sealed record ImageManifest(Descriptor Descriptor, byte[] Content, ParsedManifest Parsed)
{
    /// <summary>Parses <paramref name="content"/>, whose digest the caller has verified, and names it by the media type
    /// the parser settled on (the document's own, where a registry sent a vaguer Content-Type).</summary>
    public static ImageManifest Create(string? contentType, Digest digest, byte[] content)
    {
        var parsed = ManifestParser.Parse(contentType, content);
        if (parsed.IsSchema1)
            throw new Errors.RegistryClientException(
                $"manifest {digest} is a Docker schema1 manifest: whole-image transfer handles OCI and Docker schema2 images only");
        return new ImageManifest(new Descriptor(parsed.MediaType, digest, content.Length), content, parsed);
    }
}
