using OrleansRegistry.Client.Errors;
using OrleansRegistry.Client.ObjectStores;
using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Images;

/// <summary>Reads manifests out of an <see cref="IObjectStore"/>: bounded by the size a registry accepts, and verified
/// against the descriptor, since a layout another tool wrote (or a person edited) is not trusted to be intact.</summary>
internal static class StoredManifests
{
    public static async Task<ImageManifest> ReadAsync(IObjectStore store, Descriptor descriptor, CancellationToken ct)
    {
        if (descriptor.Size > ManifestParser.MaxManifestBytes || descriptor.Size < 0)
            throw new RegistryClientException(
                $"manifest {descriptor.Digest} is {descriptor.Size} bytes; registries accept up to {ManifestParser.MaxManifestBytes}");
        var stream = await store.OpenReadAsync(descriptor.Digest, ct).ConfigureAwait(false)
            ?? throw new ImageContentMissingException($"the object store has no manifest {descriptor.Digest}");
        await using (stream.ConfigureAwait(false))
        {
            var content = new byte[descriptor.Size];
            var read = await stream.ReadAtLeastAsync(content, content.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (read < content.Length)
                throw new SizeMismatchException(descriptor.Size, read, $"stored manifest {descriptor.Digest}");
            if (await stream.ReadAsync(new byte[1], ct).ConfigureAwait(false) > 0)
                throw new SizeMismatchException(descriptor.Size, descriptor.Size + 1, $"stored manifest {descriptor.Digest}");
            if (!descriptor.Digest.IsSupported)
                throw new RegistryClientException($"cannot verify manifest {descriptor.Digest}: only sha256 and sha512 are supported");
            var actual = Digest.Compute(content, descriptor.Digest.Algorithm);
            if (actual != descriptor.Digest)
                throw new DigestMismatchException(descriptor.Digest, actual, "stored manifest");
            return ImageManifest.Create(descriptor.MediaType, descriptor.Digest, content);
        }
    }
}
