using System.Text.Json;

namespace OrleansRegistry.Core;

/// <summary>A domain failure that maps to exactly one catalog entry; the server turns it into the spec's error body.</summary>
public sealed class RegistryException : Exception
{
    public RegistryException(ErrorDescriptor descriptor, string? message = null, object? detail = null)
        : base(message ?? descriptor?.Message)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        Descriptor = descriptor;
        Detail = detail switch
        {
            null => null,
            JsonElement element => element.Clone(),
            _ => JsonSerializer.SerializeToElement(detail, detail.GetType()),
        };
    }

    public ErrorDescriptor Descriptor { get; }

    /// <summary>The detail serialized with System.Text.Json, so it crosses grain and process boundaries as plain JSON.</summary>
    public JsonElement? Detail { get; }

    public RegistryError ToError() => new(Descriptor.Code, Message, Detail);
}
