using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Abstractions.Serialization;

/// <summary>How a Core <see cref="Digest"/> crosses grain boundaries and sits in grain state (Core has no Orleans dependency).</summary>
[GenerateSerializer, Immutable, Alias("Digest")]
public readonly record struct DigestSurrogate([property: Id(0)] string Algorithm, [property: Id(1)] string Encoded);

[RegisterConverter]
public sealed class DigestSurrogateConverter : IConverter<Digest, DigestSurrogate>
{
    public Digest ConvertFromSurrogate(in DigestSurrogate surrogate) => new(surrogate.Algorithm, surrogate.Encoded);

    public DigestSurrogate ConvertToSurrogate(in Digest value) => new(value.Algorithm, value.Encoded);
}
