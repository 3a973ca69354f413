using OrleansRegistry.Core;

namespace OrleansRegistry.Grains.Abstractions.Serialization;

/// <summary>
/// A repository name crossing a grain boundary. It was validated where it entered (the HTTP request), and is
/// validated again on the way in: a value that fails the grammar fails the call instead of reaching a grain.
/// </summary>
[GenerateSerializer, Immutable, Alias("RepositoryName")]
public readonly record struct RepositoryNameSurrogate([property: Id(0)] string Value);

[RegisterConverter]
public sealed class RepositoryNameSurrogateConverter : IConverter<RepositoryName, RepositoryNameSurrogate>
{
    public RepositoryName ConvertFromSurrogate(in RepositoryNameSurrogate surrogate) => RepositoryName.Parse(surrogate.Value);

    public RepositoryNameSurrogate ConvertToSurrogate(in RepositoryName value) => new(value.Value);
}

/// <summary>A tag crossing a grain boundary, validated on the way in as <see cref="RepositoryNameSurrogate"/> is.</summary>
[GenerateSerializer, Immutable, Alias("Tag")]
public readonly record struct TagSurrogate([property: Id(0)] string Value);

[RegisterConverter]
public sealed class TagSurrogateConverter : IConverter<Tag, TagSurrogate>
{
    public Tag ConvertFromSurrogate(in TagSurrogate surrogate) => Tag.Parse(surrogate.Value);

    public TagSurrogate ConvertToSurrogate(in Tag value) => new(value.Value);
}
