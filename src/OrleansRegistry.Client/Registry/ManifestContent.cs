using OrleansRegistry.Core;

namespace OrleansRegistry.Client.Registry;

/// <summary>A manifest as fetched: its descriptor (media type, verified digest, size) and its exact bytes.</summary>
public sealed record ManifestContent(Descriptor Descriptor, byte[] Content);
