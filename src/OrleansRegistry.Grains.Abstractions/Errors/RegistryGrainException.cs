using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Abstractions.Errors;

/// <summary>
/// A catalog error raised inside a grain. Core's <see cref="RegistryException"/> has no Orleans serializer, so grains
/// throw this one, which crosses the grain boundary intact; the server maps both the same way.
/// </summary>
[GenerateSerializer, Alias("RegistryGrainException")]
public sealed class RegistryGrainException : Exception
{
    public RegistryGrainException(string code, string message, string? detailJson = null) : base(message)
    {
        Code = code;
        DetailJson = detailJson;
    }

    public RegistryGrainException(ErrorDescriptor descriptor, string? message = null)
        : this(descriptor.Code, message ?? descriptor.Message) { }

    [Id(0)] public string Code { get; }

    /// <summary>The error's detail as JSON text, or null.</summary>
    [Id(1)] public string? DetailJson { get; }

    public ErrorDescriptor Descriptor => ErrorCatalog.Find(Code) ?? ErrorCatalog.Unknown;
}
