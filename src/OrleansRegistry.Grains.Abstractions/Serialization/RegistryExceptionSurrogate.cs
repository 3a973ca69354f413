using System.Text.Json;
using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Abstractions.Serialization;

/// <summary>
/// Core's <see cref="RegistryException"/> thrown inside a grain reaches the caller as the same type, with its catalog
/// entry, message and detail: one error type on both sides of the boundary. The stack trace stays in the grain's log.
/// </summary>
[GenerateSerializer, Immutable, Alias("RegistryException")]
public readonly record struct RegistryExceptionSurrogate(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message,
    [property: Id(2)] string? DetailJson);

[RegisterConverter]
public sealed class RegistryExceptionSurrogateConverter : IConverter<RegistryException, RegistryExceptionSurrogate>
{
    public RegistryException ConvertFromSurrogate(in RegistryExceptionSurrogate surrogate) => new(
        ErrorCatalog.Find(surrogate.Code) ?? ErrorCatalog.Unknown,
        surrogate.Message,
        surrogate.DetailJson is null ? null : JsonSerializer.Deserialize<JsonElement>(surrogate.DetailJson));

    public RegistryExceptionSurrogate ConvertToSurrogate(in RegistryException value) =>
        new(value.Descriptor.Code, value.Message, value.Detail?.GetRawText());
}
