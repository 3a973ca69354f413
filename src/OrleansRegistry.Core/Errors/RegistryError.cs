using System.Text.Json;

namespace OrleansRegistry.Core;

/// <summary>One entry of an error body (spec: "Error Codes"): code, message and optional free-form detail.</summary>
public sealed record RegistryError(string Code, string Message, JsonElement? Detail)
{
    /// <summary>The catalog entry for <see cref="Code"/>, or null for a code this registry does not know.</summary>
    public ErrorDescriptor? Descriptor => ErrorCatalog.Find(Code);

    // JsonElement compares by document identity; an error read back from the wire must equal the one sent.
    public bool Equals(RegistryError? other) =>
        other is not null
        && string.Equals(Code, other.Code, StringComparison.Ordinal)
        && string.Equals(Message, other.Message, StringComparison.Ordinal)
        && Detail.HasValue == other.Detail.HasValue
        && (!Detail.HasValue || JsonElement.DeepEquals(Detail.Value, other.Detail!.Value));

    public override int GetHashCode() => HashCode.Combine(Code, Message, Detail.HasValue);
}
