using OrleansRegistry.Client.Errors;

namespace OrleansRegistry.Client.Images;

/// <summary>The object store an image is pushed from lacks the tag, or content the image references.</summary>
public sealed class ImageContentMissingException(string message) : RegistryClientException(message);
